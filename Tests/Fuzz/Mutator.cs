using System.Text;

namespace Bridge.Tests.Fuzz;

/// <summary>
/// Deterministic mutations of a corpus entry: byte-level ones (flip, insert, delete, duplicate, splice, truncate,
/// NUL, invalid UTF-8, long runs, line-end variants) and structure-aware ones per dialect (repeated header or
/// element, huge Content-Length, folding, deep nesting, entity and DTD injection). Everything comes from the given
/// <see cref="Random"/>, so a seed and an iteration number reproduce an input exactly.
/// </summary>
internal static class Mutator
{
    /// <summary>Repeats compound over rounds; past this size an input is cut so a run stays fast (limits are tested far below it).</summary>
    public const int MaxInputBytes = 96 * 1024;

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0x80], [0xC0, 0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xEF, 0xBB, 0xBF],
    ];

    private static readonly byte[][] LineEnds = [.. new[] { "\n", "\r", "\r\r\n", "\n\r", "\r\n\r\n", "\r\n ", "\r\n\t", "" }.Select(Encoding.UTF8.GetBytes)];

    private static readonly byte[][] SipTokens =
    [
        .. new[]
        {
            ";", ",", "<", ">", "\"", "\\", "%", "%00", "%zz", ":", "@", "[", "]", "[::1]", "sip:", "sips:", "tel:", " ", "\t", "=", ";tag=",
            ";branch=z9hG4bK", ";lr", "?", "&", ":65536", ":0", "\"\\", "SIP/2.0", "SIP/3.0", " SIP/2.0", "\u00e9", "\ud83d\ude00",
            "Via: SIP/2.0/UDP h;branch=z9hG4bKx\r\n", "Content-Length: 5\r\n", "l: 0\r\n", "f: <sip:x@y>\r\n", "\r\n\r\n",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly byte[][] ContentLengths =
    [
        .. new[] { "4294967296", "99999999999999999999", "-1", "2147483647", "2147483648", "65536", "65535", "999999999", " 12", "1e3", "0x10", "+5", "", "00000000000000000001" }
            .Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly byte[][] XmlTokens =
    [
        .. new[]
        {
            "<!DOCTYPE x [<!ENTITY a 'b'>]>", "<!DOCTYPE stream SYSTEM 'file:///etc/passwd'>", "<!ENTITY e SYSTEM 'http://x/'>", "&a;", "&e;",
            "&lt;", "&amp", "&#0;", "&#x110000;", "&#65;", "&#xD800;", "<!-- c -->", "<!--", "-->", "<?pi x?>", "<?xml version='1.0'?>",
            "<![CDATA[x]]>", "]]>", "<![CDATA[", "<![CDAT", "xmlns:x='y'", " xmlns=''", " xmlns:stream='x'", " xml:lang='e'", " xmlns:xml='z'",
            " xmlns:xmlns='z'", "<stream:stream>", "</stream:stream>", "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>",
            "<", ">", "/", "'", "\"", "=", ":", "</", "/>", "<>", "</>", "< a>", "<a:>", "<:a>", "\u00e9", "\ud83d\ude00", "\u0001", "\uFFFE",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    public static byte[] Mutate(Random rng, IReadOnlyList<byte[]> corpus, FuzzDialect dialect)
    {
        var data = new List<byte>(corpus[rng.Next(corpus.Count)]);
        var rounds = 1 + rng.Next(rng.Next(2) == 0 ? 2 : 6);
        for (var i = 0; i < rounds; i++)
        {
            Apply(rng, data, corpus, dialect);
            if (data.Count > MaxInputBytes)
            {
                data.RemoveRange(MaxInputBytes, data.Count - MaxInputBytes);
            }
        }
        return [.. data];
    }

    private static void Apply(Random rng, List<byte> data, IReadOnlyList<byte[]> corpus, FuzzDialect dialect)
    {
        var op = rng.Next(20);
        if (op >= 12)
        {
            if (dialect == FuzzDialect.Sip)
            {
                ApplySip(rng, data, op);
            }
            else
            {
                ApplyXml(rng, data, op);
            }
            return;
        }
        switch (op)
        {
            case 0 when data.Count > 0:
                var flip = rng.Next(data.Count);
                data[flip] ^= (byte)(1 << rng.Next(8));
                break;
            case 1 when data.Count > 0:
                data[rng.Next(data.Count)] = (byte)rng.Next(256);
                break;
            case 2:
                var random = new byte[1 + rng.Next(8)];
                rng.NextBytes(random);
                data.InsertRange(rng.Next(data.Count + 1), random);
                break;
            case 3 when data.Count > 0:
                var at = rng.Next(data.Count);
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + rng.Next(rng.Next(4) == 0 ? 256 : 16)));
                break;
            case 4 when data.Count > 0:
                var start = rng.Next(data.Count);
                var chunk = data.GetRange(start, Math.Min(data.Count - start, 1 + rng.Next(64)));
                data.InsertRange(rng.Next(data.Count + 1), chunk);
                break;
            case 5:
                // Splice: a prefix of this input followed by a suffix of another corpus entry.
                var other = corpus[rng.Next(corpus.Count)];
                var keep = rng.Next(data.Count + 1);
                data.RemoveRange(keep, data.Count - keep);
                data.AddRange(other.AsSpan(rng.Next(other.Length + 1)));
                break;
            case 6 when data.Count > 0:
                var cut = rng.Next(data.Count);
                data.RemoveRange(cut, data.Count - cut);
                break;
            case 7:
                data.Insert(rng.Next(data.Count + 1), 0);
                break;
            case 8:
                data.InsertRange(rng.Next(data.Count + 1), InvalidUtf8[rng.Next(InvalidUtf8.Length)]);
                break;
            case 9:
                // A long run: a long line, a long token, a long value.
                var fill = (byte)"a;,< x%\"'"[rng.Next(9)];
                data.InsertRange(rng.Next(data.Count + 1), Enumerable.Repeat(fill, 64 << rng.Next(10)));
                break;
            case 10:
                ReplaceLineEnds(rng, data);
                break;
            default:
                data.InsertRange(rng.Next(data.Count + 1), LineEnds[rng.Next(LineEnds.Length)]);
                break;
        }
    }

    private static void ApplySip(Random rng, List<byte> data, int op)
    {
        switch (op)
        {
            case 12:
            case 13:
                // Repeat one header line (not the start line) many times.
                var lines = LineStarts(data);
                if (lines.Count < 2)
                {
                    break;
                }
                var line = 1 + rng.Next(lines.Count - 1);
                var from = lines[line];
                var to = line + 1 < lines.Count ? lines[line + 1] : data.Count;
                var copy = data.GetRange(from, to - from);
                var times = Math.Min(1 + rng.Next(rng.Next(2) == 0 ? 8 : 300), 1 + (MaxInputBytes / Math.Max(1, copy.Count)));
                data.InsertRange(to, Enumerable.Repeat(copy, times).SelectMany(x => x));
                break;
            case 14:
                SetContentLength(rng, data);
                break;
            case 15:
                // Folding: a line break followed by whitespace somewhere in the head.
                var end = IndexOf(data, "\r\n\r\n"u8, 0);
                data.InsertRange(rng.Next((end < 0 ? data.Count : end) + 1), rng.Next(2) == 0 ? "\r\n "u8.ToArray() : "\r\n\t"u8.ToArray());
                break;
            default:
                data.InsertRange(rng.Next(data.Count + 1), SipTokens[rng.Next(SipTokens.Length)]);
                break;
        }
    }

    private static void ApplyXml(Random rng, List<byte> data, int op)
    {
        switch (op)
        {
            case 12:
            case 13:
                // Repeat an element, or any tag-to-tag span, many times.
                var open = RandomIndexOf(rng, data, (byte)'<');
                if (open < 0)
                {
                    break;
                }
                var close = data.IndexOf((byte)'>', Math.Min(data.Count - 1, open + rng.Next(Math.Max(1, data.Count - open))));
                if (close < 0)
                {
                    break;
                }
                var span = data.GetRange(open, close + 1 - open);
                var times = Math.Min(1 + rng.Next(rng.Next(2) == 0 ? 8 : 500), 1 + (MaxInputBytes / span.Count));
                data.InsertRange(close + 1, Enumerable.Repeat(span, times).SelectMany(x => x));
                break;
            case 14:
                // Deep nesting after some tag end, sometimes never closed.
                var after = RandomIndexOf(rng, data, (byte)'>');
                var depth = 1 + rng.Next(rng.Next(2) == 0 ? 40 : 3000);
                if (rng.Next(2) == 0)
                {
                    // Around the limits the target uses (4 and 32).
                    depth = rng.Next(2) == 0 ? 2 + rng.Next(4) : 30 + rng.Next(4);
                }
                var name = rng.Next(3) switch { 0 => "x", 1 => "a:b", _ => "body" };
                var inner = rng.Next(3) switch { 0 => "<y/>", 1 => "t", _ => "" };
                var nested = string.Concat(Enumerable.Repeat($"<{name}>", depth)) + inner + (rng.Next(4) == 0 ? "" : string.Concat(Enumerable.Repeat($"</{name}>", depth)));
                data.InsertRange(after + 1, Encoding.UTF8.GetBytes(nested));
                break;
            default:
                data.InsertRange(rng.Next(data.Count + 1), XmlTokens[rng.Next(XmlTokens.Length)]);
                break;
        }
    }

    private static void SetContentLength(Random rng, List<byte> data)
    {
        var value = ContentLengths[rng.Next(ContentLengths.Length)];
        var header = IndexOf(data, "Content-Length:"u8, 0);
        if (header < 0)
        {
            var lines = LineStarts(data);
            var at = lines.Count > 1 ? lines[1] : data.Count;
            data.InsertRange(at, [.. "Content-Length: "u8, .. value, .. "\r\n"u8]);
            return;
        }
        var valueStart = header + "Content-Length:"u8.Length;
        var valueEnd = IndexOf(data, "\r\n"u8, valueStart);
        if (valueEnd < 0)
        {
            valueEnd = data.Count;
        }
        data.RemoveRange(valueStart, valueEnd - valueStart);
        data.InsertRange(valueStart, [(byte)' ', .. value]);
    }

    private static void ReplaceLineEnds(Random rng, List<byte> data)
    {
        var replacement = LineEnds[rng.Next(LineEnds.Length)];
        var all = rng.Next(4) == 0;
        var positions = new List<int>();
        for (var i = IndexOf(data, "\r\n"u8, 0); i >= 0; i = IndexOf(data, "\r\n"u8, i + 2))
        {
            positions.Add(i);
        }
        if (positions.Count == 0)
        {
            return;
        }
        var chosen = all ? positions : [positions[rng.Next(positions.Count)]];
        for (var k = chosen.Count - 1; k >= 0; k--)
        {
            data.RemoveRange(chosen[k], 2);
            data.InsertRange(chosen[k], replacement);
        }
    }

    private static List<int> LineStarts(List<byte> data)
    {
        var starts = new List<int> { 0 };
        for (var i = IndexOf(data, "\r\n"u8, 0); i >= 0 && starts.Count < 4096; i = IndexOf(data, "\r\n"u8, i + 2))
        {
            starts.Add(i + 2);
        }
        return starts;
    }

    private static int RandomIndexOf(Random rng, List<byte> data, byte value)
    {
        if (data.Count == 0)
        {
            return -1;
        }
        var found = data.IndexOf(value, rng.Next(data.Count));
        return found >= 0 ? found : data.IndexOf(value);
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> needle, int start)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(data);
        if (start > span.Length)
        {
            return -1;
        }
        var i = span[start..].IndexOf(needle);
        return i < 0 ? -1 : start + i;
    }
}

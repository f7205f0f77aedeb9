using System.Collections.Immutable;
using System.Text;

namespace Bridge.Sip.Simple;

/// <summary>
/// Splits a multipart body (RFC 2046 §5.1; multipart/related, RFC 2387, is what RFC 4662 list NOTIFYs carry)
/// into its parts. Stateless and without I/O: a SIP body is complete when its message is. Every failure is a
/// false return with a reason, never an exception, since bodies come from any peer.
/// </summary>
public static class MultipartParser
{
    /// <summary>More parts than any sane list notification carries; a peer sending more is refused, not indulged.</summary>
    public const int MaxParts = 10_000;

    /// <summary>The boundary parameter of a multipart Content-Type, unquoted; null when absent or unusable (RFC 2046 §5.1.1: 1-70 characters).</summary>
    public static string? Boundary(string? contentType) => Parameter(contentType, "boundary") is { Length: > 0 and <= 70 } b ? b : null;

    /// <summary>A parameter of a header value such as Content-Type (RFC 2045 §5.1), unquoted; null when absent.</summary>
    public static string? Parameter(string? headerValue, string name)
    {
        if (headerValue is null)
        {
            return null;
        }
        foreach (var piece in SplitParameters(headerValue).Skip(1))
        {
            var eq = piece.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && piece[..eq].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                var value = piece[(eq + 1)..].Trim();
                return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : value;
            }
        }
        return null;
    }

    /// <summary>The parts between "--boundary" and "--boundary--"; preamble and epilogue are ignored (§5.1.1).</summary>
    public static bool TryParse(ReadOnlyMemory<byte> body, string boundary, out ImmutableArray<MimePart> parts, out string? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(boundary);
        parts = [];
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var span = body.Span;
        var start = FindDelimiter(span, delimiter, 0);
        if (start < 0)
        {
            error = "no opening boundary";
            return false;
        }
        var builder = ImmutableArray.CreateBuilder<MimePart>();
        var position = start + delimiter.Length;
        while (true)
        {
            if (span[position..].StartsWith("--"u8))
            {
                parts = builder.ToImmutable();
                error = parts.IsEmpty ? "multipart body without parts" : null;
                return !parts.IsEmpty;
            }
            // Transport padding then CRLF end the delimiter line (§5.1.1).
            var lineEnd = span[position..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                error = "boundary line without CRLF";
                return false;
            }
            var partStart = position + lineEnd + 2;
            var next = FindDelimiter(span, delimiter, partStart);
            if (next < 0)
            {
                error = "missing closing boundary";
                return false;
            }
            // The CRLF before the next delimiter belongs to the delimiter, not to the part.
            var partEnd = next >= 2 && span[next - 2] == '\r' && span[next - 1] == '\n' ? next - 2 : next;
            if (partEnd < partStart)
            {
                partEnd = partStart;
            }
            if (!TryParsePart(body[partStart..partEnd], out var part, out error))
            {
                return false;
            }
            builder.Add(part);
            if (builder.Count > MaxParts)
            {
                error = $"more than {MaxParts} parts";
                return false;
            }
            position = next + delimiter.Length;
        }
    }

    private static bool TryParsePart(ReadOnlyMemory<byte> raw, out MimePart part, out string? error)
    {
        var span = raw.Span;
        ReadOnlyMemory<byte> content;
        ReadOnlySpan<byte> headerBytes;
        if (span.StartsWith("\r\n"u8))
        {
            headerBytes = [];
            content = raw[2..]; // no headers: the part is all body (§5.1.1 defaults apply)
        }
        else
        {
            var split = span.IndexOf("\r\n\r\n"u8);
            if (split < 0)
            {
                headerBytes = span;
                content = ReadOnlyMemory<byte>.Empty;
            }
            else
            {
                headerBytes = span[..split];
                content = raw[(split + 4)..];
            }
        }
        var headers = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        string? lastName = null;
        foreach (var line in Encoding.UTF8.GetString(headerBytes).Split("\r\n"))
        {
            if (line.Length == 0)
            {
                continue;
            }
            if (line[0] is ' ' or '\t' && lastName is not null)
            {
                headers[lastName] += " " + line.Trim(); // folded header line (RFC 5322 §2.2.3)
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                part = null!;
                error = $"malformed part header '{line}'";
                return false;
            }
            lastName = line[..colon].Trim().ToLowerInvariant();
            headers[lastName] = line[(colon + 1)..].Trim();
        }
        part = new MimePart(headers.ToImmutable(), content);
        error = null;
        return true;
    }

    /// <summary>A delimiter counts only at the start of the body or of a line (§5.1.1).</summary>
    private static int FindDelimiter(ReadOnlySpan<byte> span, ReadOnlySpan<byte> delimiter, int from)
    {
        while (from <= span.Length - delimiter.Length)
        {
            var found = span[from..].IndexOf(delimiter);
            if (found < 0)
            {
                return -1;
            }
            var at = from + found;
            if (at == 0 || (at >= 2 && span[at - 2] == '\r' && span[at - 1] == '\n'))
            {
                return at;
            }
            from = at + 1;
        }
        return -1;
    }

    private static IEnumerable<string> SplitParameters(string value)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"' && (i == 0 || value[i - 1] != '\\'))
            {
                quoted = !quoted;
            }
            else if (value[i] == ';' && !quoted)
            {
                yield return value[start..i];
                start = i + 1;
            }
        }
        yield return value[start..];
    }
}

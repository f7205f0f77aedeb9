using System.Globalization;
using System.Text;

namespace Bridge.Tests.Interop;

/// <summary>Reads the message file sipp writes with -trace_msg -message_file.</summary>
public static class SipTrace
{
    // sipp starts every logged message with a dashed line plus a timestamp, then
    // "UDP message received [N] bytes :" or "UDP message sent (N bytes):", then a blank line.
    private const string Separator = "-----------------------------------------------";

    public static IReadOnlyList<SipTraceEntry> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }

    public static IReadOnlyList<SipTraceEntry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<SipTraceEntry>();
        var blocks = text.Split("\n" + Separator);
        foreach (var raw in blocks)
        {
            var block = raw.StartsWith(Separator, StringComparison.Ordinal) ? raw[Separator.Length..] : raw;
            var firstNewline = block.IndexOf('\n', StringComparison.Ordinal);
            if (firstNewline < 0)
            {
                continue;
            }
            var rest = block[(firstNewline + 1)..];
            var kindEnd = rest.IndexOf('\n', StringComparison.Ordinal);
            if (kindEnd < 0)
            {
                continue;
            }
            var kind = rest[..kindEnd];
            var received = kind.Contains("message received", StringComparison.Ordinal);
            if (!received && !kind.Contains("message sent", StringComparison.Ordinal))
            {
                continue;
            }
            var message = rest[(kindEnd + 1)..].TrimStart('\r', '\n');
            var entry = ParseMessage(message, received);
            if (entry is not null)
            {
                entries.Add(entry);
            }
        }
        return entries;
    }

    private static SipTraceEntry? ParseMessage(string message, bool received)
    {
        var headerEnd = message.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headerBlock = headerEnd >= 0 ? message[..headerEnd] : message.TrimEnd();
        var afterHeaders = headerEnd >= 0 ? message[(headerEnd + 4)..] : "";
        var lines = headerBlock.Split("\r\n");
        if (lines.Length == 0 || lines[0].Length == 0)
        {
            return null;
        }
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && headers.Count > 0)
            {
                // RFC 3261 section 7.3.1 line folding.
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + " " + line.Trim());
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }
        var entry = new SipTraceEntry(received, lines[0], headers, "");
        var length = entry.Header("Content-Length");
        var bodyBytes = Encoding.UTF8.GetBytes(afterHeaders);
        var take = int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? Math.Min(n, bodyBytes.Length)
            : 0;
        return entry with { Body = Encoding.UTF8.GetString(bodyBytes, 0, take) };
    }
}

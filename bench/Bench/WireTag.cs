using System.Buffers.Text;

namespace Bridge.Bench;

/// <summary>
/// Each message body starts with "&lt;letter&gt;&lt;phase&gt;.&lt;seq&gt;" (for example "s3.1207"), and the XMPP id
/// and SIP Call-ID carry the same tag, so any peer can tell which phase and message it got.
/// </summary>
internal static class WireTag
{
    public static string Format(char direction, int phase, int seq) => $"{direction}{phase}.{seq}";

    /// <summary>Parses a tag at the start of <paramref name="text"/> (the letter included).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out int phase, out int seq)
    {
        phase = seq = 0;
        if (text.Length < 4)
        {
            return false;
        }
        text = text[1..];
        if (!Utf8Parser.TryParse(text, out phase, out var used) || used >= text.Length || text[used] != '.')
        {
            return false;
        }
        return Utf8Parser.TryParse(text[(used + 1)..], out seq, out _);
    }
}

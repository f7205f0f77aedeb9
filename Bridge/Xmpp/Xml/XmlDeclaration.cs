using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Bridge.Xmpp.Xml;

/// <summary>The optional XML declaration before a stream header: the one processing instruction RFC 6120 §11.1 allows.</summary>
internal static partial class XmlDeclaration
{
    /// <summary>True when the frame (<c>&lt;?...?&gt;</c>) is an XML declaration, not some other processing instruction.</summary>
    public static bool Is(ReadOnlySequence<byte> frame)
    {
        if (frame.Length < 6)
        {
            return false;
        }
        Span<byte> head = stackalloc byte[6];
        frame.Slice(0, 6).CopyTo(head);
        return head[..5].SequenceEqual("<?xml"u8) && head[5] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
    }

    /// <summary>
    /// The encoding the declaration names when it is not UTF-8, else null. RFC 6120 §11.6: streams are UTF-8 only,
    /// and anything else is the stream error unsupported-encoding (§4.9.3.22), not a document to transcode.
    /// </summary>
    public static string? UnsupportedEncoding(ReadOnlySequence<byte> frame)
    {
        // Latin-1 maps every byte to a char, so a hostile declaration cannot make the decoding throw.
        var match = EncodingDeclaration().Match(Encoding.Latin1.GetString(frame));
        if (!match.Success)
        {
            return null;
        }
        var name = match.Groups["name"].Value;
        return name.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) ? null : name;
    }

    [GeneratedRegex(@"\sencoding\s*=\s*(['""])(?<name>[^'""]*)\1", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EncodingDeclaration();
}

using System.Globalization;
using System.Text;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// XMPP resourcepart ↔ PIDF tuple id. The tuple id is an xs:ID (an NCName: no leading digit, no '/',
/// '@', space, ...) while a resourcepart is almost any string, so (RFC 8048 §6 note on the tuple 'id',
/// from memory: prepend "ID-" or another alphabetic string) we write "ID-" and then the resource with
/// every character outside [A-Za-z0-9.-] as '_' plus two hex digits per UTF-8 byte. Reading undoes
/// that; a tuple id the bridge did not make (Kamailio's "0x..." ids, baresip's random ones) is taken
/// as the resource unchanged.
/// </summary>
public static class TupleIds
{
    private const string Prefix = "ID-";

    public static string FromResource(string resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var sb = new StringBuilder(Prefix, Prefix.Length + resource.Length);
        foreach (var b in Encoding.UTF8.GetBytes(resource))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'-')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('_').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    public static string ToResource(string tupleId)
    {
        ArgumentNullException.ThrowIfNull(tupleId);
        return tupleId.StartsWith(Prefix, StringComparison.Ordinal) && TryUnescape(tupleId.AsSpan(Prefix.Length), out var resource)
            ? resource
            : tupleId;
    }

    private static bool TryUnescape(ReadOnlySpan<char> text, out string resource)
    {
        resource = "";
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '_')
            {
                if (i + 2 >= text.Length
                    || !byte.TryParse(text.Slice(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    return false;
                }
                bytes.Add(b);
                i += 2;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-')
            {
                bytes.Add((byte)c);
            }
            else
            {
                return false;
            }
        }
        try
        {
            resource = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}

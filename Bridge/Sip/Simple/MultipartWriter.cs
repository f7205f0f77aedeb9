using System.Security.Cryptography;
using System.Text;

namespace Bridge.Sip.Simple;

/// <summary>
/// Writes multipart/related (RFC 2387) bodies such as RFC 4662 list notifications: the first part is the root
/// ("start"), each part gets a Content-ID, Content-Transfer-Encoding binary and its Content-Type.
/// </summary>
public static class MultipartWriter
{
    /// <summary>A boundary that cannot occur in XML text of ours: 24 random base-32-ish characters.</summary>
    public static string NewBoundary()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        Span<byte> random = stackalloc byte[24];
        RandomNumberGenerator.Fill(random);
        var chars = new char[random.Length];
        for (var i = 0; i < random.Length; i++)
        {
            chars[i] = alphabet[random[i] % alphabet.Length];
        }
        return "b" + new string(chars);
    }

    /// <summary>The Content-Type header value for a body whose root has <paramref name="rootType"/> and Content-ID <paramref name="rootId"/>.</summary>
    public static string ContentType(string rootType, string rootId, string boundary) =>
        $"multipart/related;type=\"{rootType}\";start=\"<{rootId}>\";boundary=\"{boundary}\"";

    public static byte[] Write(string boundary, IEnumerable<(string ContentId, string ContentType, byte[] Body)> parts)
    {
        ArgumentException.ThrowIfNullOrEmpty(boundary);
        ArgumentNullException.ThrowIfNull(parts);
        using var stream = new MemoryStream();
        void Text(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            stream.Write(bytes, 0, bytes.Length);
        }
        foreach (var (id, type, body) in parts)
        {
            Text($"--{boundary}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <{id}>\r\nContent-Type: {type}\r\n\r\n");
            stream.Write(body, 0, body.Length);
            Text("\r\n");
        }
        Text($"--{boundary}--\r\n");
        return stream.ToArray();
    }
}

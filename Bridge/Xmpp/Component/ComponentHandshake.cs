using System.Security.Cryptography;
using System.Text;

namespace Bridge.Xmpp.Component;

/// <summary>XEP-0114 §3 handshake: lowercase hex SHA-1 of the stream id the server gave, followed by the secret.</summary>
public static class ComponentHandshake
{
    public static string Compute(string streamId, string secret)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(secret);
        // XEP-0114 §3 says the hash is over the UTF-8 concatenation, sent "in hex", lowercase as in Example 3.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(streamId + secret)));
    }
}

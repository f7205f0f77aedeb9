using System.Security.Cryptography;
using System.Text;

namespace Bridge.Xmpp.Dialback;

/// <summary>
/// XEP-0185 §2: key = HMAC-SHA256(hex(SHA256(secret)), "Receiving Originating StreamID"), in lowercase hex.
/// The authoritative server recomputes it from the db:verify attributes, so no per-stream state is kept.
/// </summary>
public sealed class DialbackKey
{
    private readonly byte[] _hmacKey;

    public DialbackKey(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        // XEP-0185 note 2 and 4: the secret is hashed, and the hash is used in its hexadecimal form.
        _hmacKey = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))));
    }

    public string Generate(string receivingServer, string originatingServer, string streamId)
    {
        var input = Encoding.UTF8.GetBytes(receivingServer + " " + originatingServer + " " + streamId);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_hmacKey, input));
    }

    /// <summary>Compares in constant time; surrounding whitespace and hex case are ignored.</summary>
    public bool Verify(string receivingServer, string originatingServer, string streamId, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var expected = Encoding.ASCII.GetBytes(Generate(receivingServer, originatingServer, streamId));
        var given = Encoding.UTF8.GetBytes(key.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}

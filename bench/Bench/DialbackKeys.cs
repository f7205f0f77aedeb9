using System.Security.Cryptography;
using System.Text;

namespace Bridge.Bench;

/// <summary>XEP-0185 §2 keys: HMAC-SHA256(hex(SHA256(secret)), "Receiving Originating StreamID"), lowercase hex.</summary>
internal sealed class DialbackKeys(string secret)
{
    private readonly byte[] _key = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))));

    public string Generate(string receiving, string originating, string streamId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{receiving} {originating} {streamId}")));
}

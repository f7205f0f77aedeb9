using System.Collections.Immutable;

namespace Bridge.Sip.Simple;

/// <summary>One body part of a multipart body (RFC 2046 §5.1): its headers (names lower-cased) and its content.</summary>
public sealed record MimePart(ImmutableDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>The Content-Type without parameters, lower-cased; "text/plain" when absent (RFC 2045 §5.2).</summary>
    public string MediaType => Headers.TryGetValue("content-type", out var value)
        ? value.Split(';', 2)[0].Trim().ToLowerInvariant()
        : "text/plain";

    /// <summary>The Content-ID without its angle brackets (RFC 2392), or null.</summary>
    public string? ContentId => Headers.TryGetValue("content-id", out var value)
        ? value.Trim().TrimStart('<').TrimEnd('>')
        : null;
}

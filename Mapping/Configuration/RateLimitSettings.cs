using System.Collections.Immutable;

namespace Bridge.Mapping.Configuration;

/// <summary>
/// Per-peer-domain rate limits: <c>Bridge:Limits</c> gives the default for every domain, and
/// <c>Bridge:Domains:&lt;name&gt;:Limits</c> overrides it key by key for one domain.
/// </summary>
/// <param name="Default">What a domain without an override gets.</param>
/// <param name="Domains">Overrides by domain name (case-insensitive keys), already merged with <paramref name="Default"/>.</param>
public sealed record RateLimitSettings(PeerLimits Default, ImmutableDictionary<string, PeerLimits> Domains)
{
    /// <summary>No limits anywhere.</summary>
    public static RateLimitSettings None { get; } = new(PeerLimits.Unlimited, ImmutableDictionary<string, PeerLimits>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase));

    /// <summary>The limits that apply to <paramref name="domain"/>.</summary>
    public PeerLimits For(string domain) => Domains.TryGetValue(domain, out var limits) ? limits : Default;
}

using System.Collections.Immutable;

namespace Bridge.Mapping.Configuration;

/// <summary>The whole bridge configuration (section "Bridge"); immutable, swapped as a unit on reload.</summary>
/// <param name="Xmpp">XMPP settings.</param>
/// <param name="Sip">SIP settings.</param>
/// <param name="Domains">Configured domains by name; keys compare with <see cref="StringComparer.OrdinalIgnoreCase"/>.</param>
/// <param name="Peerings">Which domains may talk, with which services.</param>
/// <param name="Logging">Logging settings.</param>
/// <param name="Storage">Subscription storage; defaults when null.</param>
/// <param name="Presence">Presence lists; none when null.</param>
public sealed record BridgeConfig(
    XmppSettings Xmpp,
    SipSettings Sip,
    ImmutableDictionary<string, DomainConfig> Domains,
    ImmutableArray<PeeringConfig> Peerings,
    LoggingSettings Logging,
    StorageSettings? Storage = null,
    PresenceSettings? Presence = null)
{
    /// <summary>Presence settings, never null.</summary>
    public PresenceSettings Presence { get; init; } = Presence ?? PresenceSettings.None;
    /// <summary>The bridge's TLS identity and trust anchors ("Bridge:Tls"); no certificate by default.</summary>
    public TlsSettings Tls { get; init; } = new();

    /// <summary>The TLS mode in force towards a domain (unknown domains get the default).</summary>
    public TlsRequirement TlsModeFor(string? domain) =>
        (domain is null ? null : FindDomain(domain))?.Tls.Effective(Tls.HasCertificate)
        ?? (Tls.HasCertificate ? TlsRequirement.Optional : TlsRequirement.Off);

    /// <summary>Subscription storage, never null.</summary>
    public StorageSettings Storage { get; init; } = Storage ?? new StorageSettings();

    /// <summary>Reconnect and queueing of outbound links; defaults unless configured.</summary>
    public ResilienceSettings Resilience { get; init; } = new();

    /// <summary>Per-peer-domain rate limits; none unless configured.</summary>
    public RateLimitSettings Limits { get; init; } = RateLimitSettings.None;

    /// <summary>Builds the <see cref="Domains"/> dictionary with the case-insensitive key comparer it needs.</summary>
    public static ImmutableDictionary<string, DomainConfig> CreateDomains(IEnumerable<DomainConfig> domains) =>
        domains.ToImmutableDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Looks a domain up (case-insensitively, whatever comparer the dictionary was built with).</summary>
    public DomainConfig? FindDomain(string domain)
    {
        if (Domains.TryGetValue(domain, out var config))
        {
            return config;
        }

        foreach (var (name, value) in Domains)
        {
            if (string.Equals(name, domain, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}

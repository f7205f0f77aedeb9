using Bridge.Mapping.Configuration;

namespace Bridge.Mapping.Policy;

/// <summary>
/// Decides whether traffic between two domains may cross the bridge. Reads
/// <see cref="IBridgeConfigSource.Current"/> once per call, so a reload takes effect at once and a
/// single decision never mixes two configurations.
/// </summary>
public sealed class PeeringPolicy
{
    private readonly IBridgeConfigSource config;

    /// <summary>Creates the policy over a configuration source.</summary>
    public PeeringPolicy(IBridgeConfigSource config)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config;
    }

    /// <summary>
    /// Allowed when <paramref name="fromDomain"/> is configured with <paramref name="fromProtocol"/>,
    /// <paramref name="toDomain"/> is configured with the other protocol, and some peering contains both.
    /// </summary>
    public PolicyDecision CheckLink(string fromDomain, DomainProtocol fromProtocol, string toDomain) =>
        CheckLink(config.Current, fromDomain, fromProtocol, toDomain, out _);

    /// <summary><see cref="CheckLink(string, DomainProtocol, string)"/>, and a peering containing both domains allows <paramref name="service"/>.</summary>
    public PolicyDecision Check(string fromDomain, DomainProtocol fromProtocol, string toDomain, BridgeService service)
    {
        var current = config.Current;
        var link = CheckLink(current, fromDomain, fromProtocol, toDomain, out var peerings);
        if (!link.IsAllowed)
        {
            return link;
        }

        return peerings.Any(p => p.Services.Contains(service))
            ? link
            : new PolicyDecision(PolicyVerdict.ServiceNotAllowed, $"service '{service.ToConfigString()}' is not allowed between '{fromDomain}' and '{toDomain}'");
    }

    /// <summary>True when a peering containing both domains has DelegatedAuthorization.</summary>
    public bool IsDelegated(string watcherDomain, string presentityDomain)
    {
        var current = config.Current;
        return current.Peerings.Any(p => p.DelegatedAuthorization && Contains(p, watcherDomain) && Contains(p, presentityDomain));
    }

    /// <summary>True if <paramref name="domain"/> is configured with <paramref name="protocol"/>.</summary>
    public bool IsDomain(string domain, DomainProtocol protocol) =>
        config.Current.FindDomain(domain)?.Protocol == protocol;

    private static PolicyDecision CheckLink(BridgeConfig current, string fromDomain, DomainProtocol fromProtocol, string toDomain, out List<PeeringConfig> peerings)
    {
        ArgumentNullException.ThrowIfNull(fromDomain);
        ArgumentNullException.ThrowIfNull(toDomain);
        peerings = [];
        var from = current.FindDomain(fromDomain);
        if (from is null)
        {
            return new PolicyDecision(PolicyVerdict.UnknownDomain, $"sender domain '{fromDomain}' is not configured") { ConcernsSender = true };
        }

        if (from.Protocol != fromProtocol)
        {
            return new PolicyDecision(PolicyVerdict.WrongProtocol, $"sender domain '{fromDomain}' is a {from.Protocol.ToConfigString()} domain but was seen on {fromProtocol.ToConfigString()}") { ConcernsSender = true };
        }

        var to = current.FindDomain(toDomain);
        if (to is null)
        {
            return new PolicyDecision(PolicyVerdict.UnknownDomain, $"recipient domain '{toDomain}' is not configured");
        }

        if (to.Protocol == fromProtocol)
        {
            return new PolicyDecision(PolicyVerdict.WrongProtocol, $"recipient domain '{toDomain}' is a {to.Protocol.ToConfigString()} domain like the sender's; the bridge only crosses protocols");
        }

        foreach (var p in current.Peerings)
        {
            if (Contains(p, from.Name) && Contains(p, to.Name))
            {
                peerings.Add(p);
            }
        }

        return peerings.Count == 0
            ? new PolicyDecision(PolicyVerdict.NotPeered, $"'{fromDomain}' and '{toDomain}' are not peered")
            : new PolicyDecision(PolicyVerdict.Allowed, $"'{fromDomain}' and '{toDomain}' are peered");
    }

    private static bool Contains(PeeringConfig peering, string domain) =>
        !peering.Domains.IsDefault && peering.Domains.Contains(domain, StringComparer.OrdinalIgnoreCase);
}

using System.Globalization;
using System.Net;
using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Configuration;

/// <summary>Checks a <see cref="BridgeConfig"/> for mistakes an admin can make.</summary>
public static partial class BridgeConfigValidator
{
    /// <summary>RFC 6120 §13.12: a server must accept stanzas of at least 10000 bytes.</summary>
    public const int MinStanzaBytes = 10000;

    /// <summary>
    /// One human-readable line per problem, each starting with the config key it concerns, e.g.
    /// "Bridge:Peerings:0:Domains: 'c.test' is not a configured domain". Empty when valid.
    /// </summary>
    public static IReadOnlyList<string> Validate(BridgeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<string>();
        var tcpSockets = new Dictionary<(IPAddress, int), string>();
        ValidateXmpp(config.Xmpp, errors, tcpSockets);
        ValidateSip(config.Sip, errors, tcpSockets);
        ValidateDomains(config, errors);
        ValidateTls(config, errors);
        ValidatePeerings(config, errors);
        ValidatePresence(config, errors);
        ValidateComponent(config, errors);
        ValidateResilience(config.Resilience, errors);
        ValidateLimits(config, errors);
        return errors;
    }

    private static void ValidateXmpp(XmppSettings xmpp, List<string> errors, Dictionary<(IPAddress, int), string> tcpSockets)
    {
        if (string.IsNullOrWhiteSpace(xmpp.DialbackSecret))
        {
            errors.Add("Bridge:Xmpp:DialbackSecret: is required (XEP-0185 dialback keys are derived from it)");
        }

        if (xmpp.Listen is { } listen)
        {
            const string key = "Bridge:Xmpp:Listen";
            if (!IPAddress.TryParse(listen.Host, out var address))
            {
                errors.Add($"{key}: '{listen.Host}' is not an IP address");
            }
            else if (CheckSocket(key, address, listen.Port, errors))
            {
                tcpSockets[(address, listen.Port)] = key;
            }
        }

        if (xmpp.MaxStanzaBytes < MinStanzaBytes)
        {
            errors.Add(Invariant($"Bridge:Xmpp:MaxStanzaBytes: {xmpp.MaxStanzaBytes} is below the {MinStanzaBytes} bytes RFC 6120 §13.12 requires"));
        }

        if (xmpp.ConnectTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            errors.Add("Bridge:Xmpp:ConnectTimeoutSeconds: must be positive");
        }
    }

    private static void ValidateSip(SipSettings sip, List<string> errors, Dictionary<(IPAddress, int), string> tcpSockets)
    {
        if (sip.Listen.IsDefaultOrEmpty)
        {
            errors.Add("Bridge:Sip:Listen: at least one endpoint is required");
        }
        else
        {
            var seen = new HashSet<SipListenEndpoint>();
            for (var i = 0; i < sip.Listen.Length; i++)
            {
                var key = Invariant($"Bridge:Sip:Listen:{i}");
                var ep = sip.Listen[i];
                if (!CheckSocket(key, ep.Address, ep.Port, errors))
                {
                    continue;
                }

                if (!seen.Add(ep))
                {
                    errors.Add($"{key}: '{ep}' is listed more than once");
                }
                else if (ep.Transport != TransportKind.Udp)
                {
                    // TCP and TLS share the TCP port space, with each other and with XMPP.
                    if (tcpSockets.TryGetValue((ep.Address, ep.Port), out var other))
                    {
                        errors.Add($"{key}: '{ep}' uses the same TCP socket as {other}");
                    }
                    else
                    {
                        tcpSockets[(ep.Address, ep.Port)] = key;
                    }
                }
            }
        }

        if (sip.MaxMessageBytes is < 1 or > 65535)
        {
            errors.Add(Invariant($"Bridge:Sip:MaxMessageBytes: {sip.MaxMessageBytes} is outside 1..65535"));
        }

        // Below these even ordinary requests fail: a MESSAGE needs about ten header fields, and a Via or
        // Record-Route line through a few proxies runs to a few hundred characters.
        if (sip.MaxHeaderCount is < 8 or > 1024)
        {
            errors.Add(Invariant($"Bridge:Sip:MaxHeaderCount: {sip.MaxHeaderCount} is outside 8..1024"));
        }

        if (sip.MaxLineLength is < 256 or > 65535)
        {
            errors.Add(Invariant($"Bridge:Sip:MaxLineLength: {sip.MaxLineLength} is outside 256..65535"));
        }
    }

    private static bool CheckSocket(string key, IPAddress address, int port, List<string> errors)
    {
        var ok = true;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            // A wildcard socket answers from whatever address the kernel picks, which breaks SIP Via/Contact and XMPP peers' source checks.
            errors.Add($"{key}: '{address}' is a wildcard address; give the specific address to listen on");
            ok = false;
        }

        if (port is < 1 or > 65535)
        {
            errors.Add(Invariant($"{key}: port {port} is outside 1..65535"));
            ok = false;
        }

        return ok;
    }

    private static void ValidateDomains(BridgeConfig config, List<string> errors)
    {
        if (config.Domains.IsEmpty)
        {
            errors.Add("Bridge:Domains: no domain is configured");
            return;
        }

        if (!ReferenceEquals(config.Domains.KeyComparer, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("Bridge:Domains: keys must be compared case-insensitively (build it with BridgeConfig.CreateDomains)");
        }

        foreach (var (name, domain) in config.Domains.OrderBy(d => d.Key, StringComparer.OrdinalIgnoreCase))
        {
            var key = "Bridge:Domains:" + name;
            if (!string.Equals(name, domain.Name, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{key}: is keyed differently from its name '{domain.Name}'");
            }

            if (!DomainName.IsValid(domain.Name) || domain.Name.StartsWith('['))
            {
                errors.Add($"{key}: '{domain.Name}' is not a valid domain name");
            }

            if (domain.Route is { } route)
            {
                if (string.IsNullOrWhiteSpace(route.Host))
                {
                    errors.Add($"{key}:Route: has no host");
                }

                if (route.Port is < 1 or > 65535)
                {
                    errors.Add(Invariant($"{key}:Route: port {route.Port} is outside 1..65535"));
                }

                if (domain.Protocol == DomainProtocol.Xmpp && route.Transport == TransportKind.Udp)
                {
                    errors.Add($"{key}:Route: XMPP cannot use UDP");
                }
            }

            if (domain.Protocol == DomainProtocol.Sip)
            {
                // SIP has no dialback: the route is the only way to reach the domain and the trusted
                // addresses are the only way to know a request really comes from it.
                if (domain.Route is null)
                {
                    errors.Add($"{key}:Route: is required for a sip domain");
                }

                if (domain.TrustedAddresses.IsDefaultOrEmpty)
                {
                    errors.Add($"{key}:TrustedAddresses: at least one address is required for a sip domain");
                }
            }
        }
    }

    private static void ValidatePeerings(BridgeConfig config, List<string> errors)
    {
        if (config.Peerings.IsDefaultOrEmpty)
        {
            errors.Add("Bridge:Peerings: no peering is configured, so nothing can cross the bridge");
            return;
        }

        for (var i = 0; i < config.Peerings.Length; i++)
        {
            var key = Invariant($"Bridge:Peerings:{i}");
            var peering = config.Peerings[i];
            var domains = peering.Domains.IsDefault ? [] : peering.Domains;
            if (domains.Length < 2)
            {
                errors.Add($"{key}:Domains: a peering needs at least two domains");
            }

            var protocols = new HashSet<DomainProtocol>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in domains)
            {
                if (!seen.Add(name))
                {
                    errors.Add($"{key}:Domains: '{name}' is listed more than once");
                }
                else if (config.FindDomain(name) is { } domain)
                {
                    protocols.Add(domain.Protocol);
                }
                else
                {
                    errors.Add($"{key}:Domains: '{name}' is not a configured domain");
                }
            }

            if (domains.Length >= 2 && !(protocols.Contains(DomainProtocol.Xmpp) && protocols.Contains(DomainProtocol.Sip)))
            {
                errors.Add($"{key}:Domains: needs at least one xmpp and one sip domain to bridge anything");
            }

            if (peering.Services is null || peering.Services.IsEmpty)
            {
                errors.Add($"{key}:Services: at least one service is required");
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

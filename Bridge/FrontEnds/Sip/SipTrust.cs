using System.Net;
using Bridge.Mapping.Configuration;

namespace Bridge.FrontEnds.Sip;

/// <summary>
/// Trust by source address for UDP and TCP. One SIP server may front several domains, so an address is
/// trusted per domain: a request must come from an address its From domain lists.
/// </summary>
public static class SipTrust
{
    /// <summary>True when some configured SIP domain lists the address.</summary>
    public static bool IsKnownSource(BridgeConfig config, IPAddress source)
    {
        source = Normalize(source);
        return config.Domains.Values.Any(d => d.Protocol == DomainProtocol.Sip && d.TrustedAddresses.Contains(source));
    }

    /// <summary>True when <paramref name="domain"/> is a configured SIP domain that lists the address.</summary>
    public static bool IsTrustedFor(BridgeConfig config, string domain, IPAddress source) =>
        config.Domains.TryGetValue(domain, out var d)
        && d.Protocol == DomainProtocol.Sip
        && d.TrustedAddresses.Contains(Normalize(source));

    private static IPAddress Normalize(IPAddress source) => source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;
}

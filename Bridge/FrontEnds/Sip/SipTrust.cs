using System.Net;
using Bridge.Mapping.Configuration;
using Bridge.Sip;

namespace Bridge.FrontEnds.Sip;

/// <summary>
/// Who a SIP request comes from. Over TLS the peer certificate decides (mutual TLS, RFC 5922 §7.1: the
/// domains it authenticates); over UDP and TCP the source address, per domain, since one SIP server may
/// front several domains. A domain whose Tls is "required" is never trusted by address.
/// </summary>
public static class SipTrust
{
    /// <summary>True when the request comes from some configured SIP domain.</summary>
    public static bool IsKnownSource(BridgeConfig config, SipServerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Remote.Transport == SipTransport.Tls)
        {
            return transaction.TlsDomains.Any(d => config.FindDomain(d) is { Protocol: DomainProtocol.Sip });
        }
        var source = Normalize(transaction.Remote.EndPoint.Address);
        return config.Domains.Values.Any(d => d.Protocol == DomainProtocol.Sip && TrustsAddress(config, d, source));
    }

    /// <summary>True when <paramref name="domain"/> is a configured SIP domain and the request comes from it.</summary>
    public static bool IsTrustedFor(BridgeConfig config, string domain, SipServerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(transaction);
        if (config.FindDomain(domain) is not { Protocol: DomainProtocol.Sip } d)
        {
            return false;
        }
        if (transaction.Remote.Transport == SipTransport.Tls)
        {
            return transaction.TlsDomains.Any(t => string.Equals(t, d.Name, StringComparison.OrdinalIgnoreCase));
        }
        return TrustsAddress(config, d, Normalize(transaction.Remote.EndPoint.Address));
    }

    private static bool TrustsAddress(BridgeConfig config, DomainConfig domain, IPAddress source) =>
        domain.TrustedAddresses.Contains(source) && config.TlsModeFor(domain.Name) != TlsRequirement.Required;

    private static IPAddress Normalize(IPAddress source) => source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;
}

using System.Net;
using Bridge.Mapping.Configuration;

namespace Bridge.FrontEnds.Sip;

/// <summary>Which configured SIP peer domain, if any, a source address belongs to (UDP and TCP trust by address).</summary>
public static class SipTrust
{
    public static DomainConfig? FindPeer(BridgeConfig config, IPAddress source)
    {
        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }
        foreach (var domain in config.Domains.Values)
        {
            if (domain.Protocol == DomainProtocol.Sip && domain.TrustedAddresses.Contains(source))
            {
                return domain;
            }
        }
        return null;
    }
}

using System.Collections.Immutable;
using System.Net;

namespace Bridge.Mapping.Configuration;

/// <summary>A domain the bridge serves.</summary>
/// <param name="Name">Domain name, lower-case.</param>
/// <param name="Protocol">The protocol its users speak.</param>
/// <param name="Route">Where to send its traffic (required for SIP; optional for XMPP, which can use DNS).</param>
/// <param name="TrustedAddresses">Source addresses accepted as this domain (required for SIP, which has no dialback).</param>
public sealed record DomainConfig(string Name, DomainProtocol Protocol, RouteTarget? Route, ImmutableArray<IPAddress> TrustedAddresses)
{
    /// <summary>"Tls" and "TrustedFingerprints" of the domain; defaults when not configured.</summary>
    public DomainTlsConfig Tls { get; init; } = new(null, []);
}

using System.Collections.Immutable;

namespace Bridge.Mapping.Configuration;

/// <summary>A set of domains whose users may reach each other across the bridge, and with which services.</summary>
/// <param name="Domains">The domains.</param>
/// <param name="Services">What they may do.</param>
/// <param name="DelegatedAuthorization">
/// Authorization migration (SPEERMINT presence use case 3.3): XMPP watchers of a SIP presentity share one SIP
/// subscription per presentity, and the bridge applies the presentity's own rules (pres-rules) to each watcher.
/// </param>
public sealed record PeeringConfig(ImmutableArray<string> Domains, ImmutableHashSet<BridgeService> Services, bool DelegatedAuthorization = false);

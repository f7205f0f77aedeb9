using System.Collections.Immutable;

namespace Bridge.Mapping.Configuration;

/// <summary>A set of domains whose users may reach each other across the bridge, and with which services.</summary>
public sealed record PeeringConfig(ImmutableArray<string> Domains, ImmutableHashSet<BridgeService> Services);

using System.Collections.Immutable;

namespace Bridge.Mapping.Configuration;

/// <summary>SIP side of the bridge.</summary>
/// <param name="Listen">Sockets to listen on.</param>
/// <param name="MaxMessageBytes">Largest SIP message accepted.</param>
public sealed record SipSettings(ImmutableArray<SipListenEndpoint> Listen, int MaxMessageBytes = 65535);

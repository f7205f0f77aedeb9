using System.Collections.Immutable;

namespace Bridge.Mapping.Configuration;

/// <summary>SIP side of the bridge.</summary>
/// <param name="Listen">Sockets to listen on.</param>
/// <param name="MaxMessageBytes">Largest SIP message accepted (larger: 513).</param>
/// <param name="MaxHeaderCount">Most header fields in one message (more: 400).</param>
/// <param name="MaxLineLength">Longest header field in characters (longer: 400).</param>
public sealed record SipSettings(ImmutableArray<SipListenEndpoint> Listen, int MaxMessageBytes = 65535, int MaxHeaderCount = 128, int MaxLineLength = 8192);

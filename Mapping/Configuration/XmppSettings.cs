namespace Bridge.Mapping.Configuration;

/// <summary>XMPP server-to-server side of the bridge.</summary>
/// <param name="Listen">Where to accept s2s connections; null to accept none.</param>
/// <param name="DialbackSecret">Secret for dialback keys (XEP-0185 §3).</param>
/// <param name="MaxStanzaBytes">Largest stanza accepted (RFC 6120 §13.12 requires at least 10000).</param>
/// <param name="ConnectTimeout">Outbound connection timeout; null for the front-end's default.</param>
public sealed record XmppSettings(HostPort? Listen, string DialbackSecret, int MaxStanzaBytes = 262144, TimeSpan? ConnectTimeout = null)
{
    /// <summary>XEP-0114 component link, or null for S2S only.</summary>
    public ComponentSettings? Component { get; init; }
}

namespace Bridge.Mapping.Configuration;

/// <summary>
/// Section "Bridge:Xmpp:Component": attach the bridge to an XMPP server as an XEP-0114 external component
/// instead of (for that domain) S2S. Every stanza between XMPP users and <see cref="Name"/> then travels
/// over this one connection; other SIP domains keep using S2S.
/// </summary>
/// <param name="Host">The XMPP server's address or host name.</param>
/// <param name="Port">Its component port (Prosody component_ports; 5347 by default).</param>
/// <param name="Name">The component's JID domain, which must be a configured sip domain.</param>
/// <param name="Secret">The shared secret (Prosody component_secret).</param>
public sealed record ComponentSettings(string Host, int Port, string Name, string Secret)
{
    /// <summary>The customary component port.</summary>
    public const int DefaultPort = 5347;
}

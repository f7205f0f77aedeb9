using System.Xml.Linq;

namespace Bridge.Xmpp;

/// <summary>
/// What the XMPP front-end needs from whatever carries its stanzas: S2S (<see cref="XmppServer"/>), an
/// XEP-0114 component connection, or both (<see cref="XmppStanzaLinks"/>). Stanzas are built and received
/// in jabber:server; a link moves them into its own stream namespace.
/// </summary>
public interface IXmppStanzaLink
{
    /// <summary>
    /// Receives each inbound stanza whose 'from' domain the link has checked against the peering policy.
    /// Called one at a time per connection.
    /// </summary>
    Func<XElement, Task>? StanzaHandler { get; set; }

    /// <summary>True when this link carries stanzas from the given local (bridge-served) domain.</summary>
    bool Serves(string localDomain);

    /// <summary>Sent once written to an authenticated stream, else Failed with an RFC 6120 §8.3.3 condition.</summary>
    Task<XmppSendResult> SendAsync(XElement stanza, CancellationToken ct);

    Task StartAsync(CancellationToken ct);

    Task StopAsync(CancellationToken ct);
}

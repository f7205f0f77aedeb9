using System.Xml.Linq;

namespace Bridge.Xmpp;

/// <summary>
/// Several links behind one: a stanza leaves over the first link that serves its 'from' domain (so a
/// component link listed first takes its domain, and S2S carries the rest), and inbound stanzas of every
/// link reach the one handler.
/// </summary>
public sealed class XmppStanzaLinks(IReadOnlyList<IXmppStanzaLink> links) : IXmppStanzaLink
{
    private Func<XElement, Task>? _handler;

    public Func<XElement, Task>? StanzaHandler
    {
        get => _handler;
        set
        {
            _handler = value;
            foreach (var link in links)
            {
                link.StanzaHandler = value;
            }
        }
    }

    public bool Serves(string localDomain) => links.Any(l => l.Serves(localDomain));

    public Task<XmppSendResult> SendAsync(XElement stanza, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        var from = Server.Jid.DomainOf((string?)stanza.Attribute("from"));
        var link = from is null ? null : links.FirstOrDefault(l => l.Serves(from));
        // No link serves it: let the last (S2S) give its usual refusal.
        return (link ?? links[^1]).SendAsync(stanza, ct);
    }

    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var link in links)
        {
            await link.StartAsync(ct).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.WhenAll(links.Select(l => l.StopAsync(ct)));
}

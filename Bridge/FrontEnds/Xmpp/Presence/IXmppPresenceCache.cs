using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;

namespace Bridge.FrontEnds.Xmpp.Presence;

/// <summary>
/// The per-presentity presence state the XMPP front-end keeps between stanzas. XMPP sends presence per
/// resource (RFC 6121 §4.4) while the canonical <see cref="PresenceEventKind.Notify"/> carries the whole
/// document (RFC 8048 §6), so the front-end must remember the other resources; and XMPP has no "full
/// state" notification, so retracting a resource that vanished from a SIP document needs what was
/// announced before. Kept behind an interface, away from socket code, so the state can move off the
/// machine later (one grain per presentity). All addresses passed in are bare unless said otherwise.
/// Implementations are thread-safe and bounded.
/// </summary>
public interface IXmppPresenceCache
{
    /// <summary>
    /// Applies one XMPP resource's presence (<paramref name="source"/>, Id = resource) as the SIP
    /// <paramref name="watcher"/> sees the XMPP <paramref name="presentity"/>, and returns the
    /// presentity's whole document for that watcher: every available resource, plus
    /// <paramref name="source"/> itself when it is unavailable (so the SIP side can say basic closed for
    /// its tuple). An unavailable resource is then forgotten.
    /// </summary>
    ImmutableArray<PresenceSource> ApplyInbound(ChatAddress presentity, ChatAddress watcher, PresenceSource source);

    /// <summary>
    /// Records which resources of the SIP <paramref name="presentity"/> the XMPP
    /// <paramref name="watcher"/> now sees as available, and returns those it saw before.
    /// </summary>
    IReadOnlySet<string> ReplaceAnnounced(ChatAddress presentity, ChatAddress watcher, IReadOnlySet<string> available);

    /// <summary>
    /// The subscription between <paramref name="watcher"/> and <paramref name="presentity"/> ended
    /// (unsubscribe / unsubscribed, RFC 6121 §3.2, §3.3): drops both directions' state for the pair and
    /// returns the resources of <paramref name="presentity"/> that had been announced to
    /// <paramref name="watcher"/>, so the caller can retract them.
    /// </summary>
    IReadOnlySet<string> Forget(ChatAddress presentity, ChatAddress watcher);

    /// <summary>Remembers that the SIP <paramref name="watcher"/> asked the XMPP <paramref name="presentity"/> for a subscription.</summary>
    void RecordSubscribeSent(ChatAddress watcher, ChatAddress presentity);

    /// <summary>True (once) when a subscribe from <paramref name="watcher"/> to <paramref name="presentity"/> was recorded and not yet answered.</summary>
    bool TryTakeSubscribeSent(ChatAddress watcher, ChatAddress presentity);
}

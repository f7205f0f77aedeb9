using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Sip;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>One SIP subscription and what the bridge knows about it.</summary>
internal sealed class PresenceSubscription(SipSubscriber subscriber, ChatAddress watcher, ChatAddress presentity, ChatAddress? fetchFor, bool background)
{
    public SipSubscriber Subscriber { get; } = subscriber;

    public ChatAddress Watcher { get; } = watcher;

    public ChatAddress Presentity { get; } = presentity;

    /// <summary>Set for a one-shot fetch: the (possibly full) address the probe came from.</summary>
    public ChatAddress? FetchFor { get; } = fetchFor;

    /// <summary>Started by the bridge (restart, re-subscribe) rather than by an XMPP request waiting for the outcome.</summary>
    public bool Background { get; } = background;

    public bool SubscribedSent { get; set; }

    public bool Established { get; set; }

    public bool Unwanted { get; set; }

    public int? LastStatus { get; set; }

    public int Attempts { get; set; }

    public PresenceDocument? Last { get; set; }

    /// <summary>
    /// Set once the presentity turned out to be a resource list (RFC 4662): what is known of each member, by
    /// bare address. Guarded by the owner's lock.
    /// </summary>
    public Dictionary<string, ListMemberState>? Members { get; set; }
}

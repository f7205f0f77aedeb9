namespace Bridge.Mapping.Presence;

/// <summary>
/// What a <see cref="PresenceEvent"/> says, in the terms RFC 8048 maps between the protocols (XMPP
/// presence types of RFC 6121 §3 and §4 ↔ SIP SUBSCRIBE/NOTIFY of RFC 6665 and RFC 3856).
/// </summary>
public enum PresenceEventKind
{
    /// <summary>The watcher asks to see the presentity's presence. XMPP type='subscribe' ↔ an initial SUBSCRIBE (RFC 8048 §4.1, §5.1).</summary>
    Subscribe,

    /// <summary>The watcher no longer wants it. XMPP type='unsubscribe' ↔ SUBSCRIBE with Expires: 0, or an expired SIP subscription (RFC 8048 §4.4, §5.4).</summary>
    Unsubscribe,

    /// <summary>The presentity allows the watcher. XMPP type='subscribed' ↔ NOTIFY with Subscription-State: active (RFC 8048 §4.2, §5.2).</summary>
    Subscribed,

    /// <summary>The presentity refuses or revokes. XMPP type='unsubscribed' ↔ NOTIFY terminated (rejected, noresource, deactivated) (RFC 8048 §4.2, §5.3).</summary>
    Unsubscribed,

    /// <summary>The watcher asks for the current presence once. XMPP type='probe' ↔ SUBSCRIBE with Expires: 0 (a fetch, RFC 6665 §4.4.3).</summary>
    Probe,

    /// <summary>The presentity's presence: a full <see cref="PresenceDocument"/> (all its sources). XMPP presence without type / type='unavailable' ↔ NOTIFY with PIDF (RFC 8048 §6).</summary>
    Notify,

    /// <summary>
    /// The presentity is a list (RFC 4662) and these are its members, so the watcher's client can show them:
    /// RLMI full state ↔ XMPP roster item exchange (XEP-0144). <see cref="PresenceEvent.Members"/> holds them;
    /// each member's presence then follows as a Notify from the member's own address.
    /// </summary>
    ListMembers,
}

using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Presence;

/// <summary>
/// One presence or subscription event crossing the bridge. Addresses read as in an XMPP presence stanza:
/// for <see cref="PresenceEventKind.Subscribe"/>, <see cref="PresenceEventKind.Unsubscribe"/> and
/// <see cref="PresenceEventKind.Probe"/> <see cref="From"/> is the watcher and <see cref="To"/> the
/// presentity; for <see cref="PresenceEventKind.Subscribed"/>, <see cref="PresenceEventKind.Unsubscribed"/>
/// and <see cref="PresenceEventKind.Notify"/> <see cref="From"/> is the presentity and <see cref="To"/> the
/// watcher. Both are bare addresses except <see cref="From"/> of a Probe, which may name the watcher's
/// resource (Prosody probes from the full JID).
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="From">The sender (see above).</param>
/// <param name="To">The addressee (see above).</param>
/// <param name="Document">For <see cref="PresenceEventKind.Notify"/>: the presentity's whole presence as the watcher may see it; null otherwise.</param>
/// <param name="Reason">Free text for logs and error replies, e.g. the SIP termination reason; null when there is none.</param>
/// <param name="Members">For <see cref="PresenceEventKind.ListMembers"/>: the list's members, From being the list; empty otherwise.</param>
/// <param name="Recipients">
/// For a <see cref="PresenceEventKind.Notify"/> fanned out to a privacy class (watchers whose rules give the
/// same view, authorization migration): all the watchers that see <see cref="Document"/>, all in the domain of
/// <see cref="To"/>, which is the first of them (so policy checks and logs read as for one watcher). Empty for
/// an event to <see cref="To"/> alone. The receiving side chooses how to deliver it: one copy per watcher or,
/// where the protocol can, one addressed to the whole list.
/// </param>
public sealed record PresenceEvent(
    PresenceEventKind Kind,
    ChatAddress From,
    ChatAddress To,
    PresenceDocument? Document = null,
    string? Reason = null,
    System.Collections.Immutable.ImmutableArray<ListMember> Members = default,
    System.Collections.Immutable.ImmutableArray<ChatAddress> Recipients = default)
{
    /// <summary>Members, never default.</summary>
    public System.Collections.Immutable.ImmutableArray<ListMember> Members { get; init; } = Members.IsDefault ? [] : Members;

    /// <summary>Recipients, never default.</summary>
    public System.Collections.Immutable.ImmutableArray<ChatAddress> Recipients { get; init; } = Recipients.IsDefault ? [] : Recipients;

    /// <summary>Everyone this event is for: <see cref="Recipients"/>, or <see cref="To"/> alone when there are none.</summary>
    public System.Collections.Immutable.ImmutableArray<ChatAddress> AllRecipients => Recipients.IsEmpty ? [To] : Recipients;

    /// <summary>The watcher of this event, whichever way it travels.</summary>
    public ChatAddress Watcher => IsFromWatcher ? From : To;

    /// <summary>The presentity of this event, whichever way it travels.</summary>
    public ChatAddress Presentity => IsFromWatcher ? To : From;

    /// <summary>True for the kinds a watcher sends: Subscribe, Unsubscribe, Probe.</summary>
    public bool IsFromWatcher => Kind is PresenceEventKind.Subscribe or PresenceEventKind.Unsubscribe or PresenceEventKind.Probe;

    public override string ToString() => $"{Kind} {From} -> {To}" + (Document is null ? "" : " " + Document);
}

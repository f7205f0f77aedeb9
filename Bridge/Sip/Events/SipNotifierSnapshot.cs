namespace Bridge.Sip;

/// <summary>
/// What a live notifier needs to carry on after a restart: its dialog (RFC 3261 §12: Call-ID, tags, parties, remote
/// target, route set, CSeqs), the accepted Event value and package, the state (pending or active) and when the
/// subscription expires. Plain data so the owner can store it in any form.
/// </summary>
public sealed record SipNotifierSnapshot(
    string CallId,
    string LocalTag,
    string RemoteTag,
    string LocalParty,
    string RemoteParty,
    string RemoteTarget,
    IReadOnlyList<string> RouteSet,
    string LocalContact,
    long? LocalCSeq,
    long? RemoteCSeq,
    string Event,
    string Package,
    SipSubscriptionState State,
    DateTimeOffset ExpiresAt);

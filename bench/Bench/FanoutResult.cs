namespace Bridge.Bench;

/// <summary>One row of the fan-out table: N watchers of p@b.test in one mode, K changes.</summary>
internal sealed record FanoutResult(
    string Mode,
    int Watchers,
    int Changes,
    int SipDialogs,
    double SipNotifiesPerChange,
    double XmppStanzasPerChange,
    double WatchersReachedPerChange,
    double WithNotePerChange,
    double FanoutMedianMs,
    double FanoutMaxMs,
    int Completed,
    long DiscoRequests,
    string? Note);

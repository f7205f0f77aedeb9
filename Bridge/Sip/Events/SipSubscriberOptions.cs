namespace Bridge.Sip;

/// <summary>
/// One subscription to create: the event package (e.g. "presence"), our address (From), the resource (Request-URI
/// and To), our Contact URI, the duration to ask for and the body types to accept (RFC 3856 §6.7: PIDF for presence).
/// </summary>
public sealed record SipSubscriberOptions(string EventPackage, string LocalUri, string RemoteUri, string Contact, TimeSpan Expires)
{
    /// <summary>Accept header values; empty sends none (the package default applies, RFC 6665 §4.1.2).</summary>
    public IReadOnlyList<string> Accept { get; init; } = [];

    /// <summary>Supported option tags, e.g. "eventlist" to accept a resource list in place of the resource (RFC 4662 §4.1).</summary>
    public IReadOnlyList<string> Supported { get; init; } = [];

    /// <summary>Event id parameter, to tell apart several subscriptions of one package in one dialog (RFC 6665 §8.2.1).</summary>
    public string? EventId { get; init; }

    /// <summary>
    /// RFC 6665 §4.1.2.4 Timer N: how long to wait for the first NOTIFY after sending the SUBSCRIBE
    /// (64*T1 = 32 s by default), and for the final NOTIFY after an unsubscribe.
    /// </summary>
    public TimeSpan TimerN { get; init; } = TimeSpan.FromSeconds(32);

    /// <summary>How many 423 Interval Too Brief answers are followed with a longer retry before giving up.</summary>
    public int MaxIntervalRetries { get; init; } = 2;
}

namespace Bridge.Sip;

/// <summary>Subscription-State reason codes, RFC 6665 §4.1.3 (meaning) and §8.2.3 (syntax).</summary>
public static class SipSubscriptionReasons
{
    /// <summary>Retry immediately with a new subscription.</summary>
    public const string Deactivated = "deactivated";

    /// <summary>Retry later (after retry-after when given).</summary>
    public const string Probation = "probation";

    /// <summary>Authorization refused: do not retry.</summary>
    public const string Rejected = "rejected";

    /// <summary>Not refreshed in time (also used for an unsubscribe): re-subscribe immediately if still wanted.</summary>
    public const string Timeout = "timeout";

    /// <summary>The notifier gave up waiting for authorization: retry later (after retry-after when given).</summary>
    public const string GiveUp = "giveup";

    /// <summary>The resource no longer exists: do not retry.</summary>
    public const string NoResource = "noresource";

    /// <summary>The resource will never change: do not retry.</summary>
    public const string Invariant = "invariant";

    /// <summary>
    /// RFC 6665 §4.1.3: whether a subscriber that did not ask for the termination should create a new subscription.
    /// No reason or an unknown one lets the subscriber retry at any time, so those count as yes.
    /// </summary>
    public static bool AllowsResubscribe(string? reason) => reason switch
    {
        Rejected or NoResource or Invariant => false,
        _ => true,
    };
}

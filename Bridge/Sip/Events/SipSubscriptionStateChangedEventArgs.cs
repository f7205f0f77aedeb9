namespace Bridge.Sip;

/// <summary>
/// A subscription changed state. <see cref="Reason"/> and <see cref="RetryAfter"/> come from a terminated
/// Subscription-State (RFC 6665 §4.1.3) or a failure response's Retry-After; <see cref="ShouldResubscribe"/> tells
/// the subscriber's owner to create a new subscription (after <see cref="RetryAfter"/> when set) because the
/// termination was not asked for and its reason allows a retry.
/// </summary>
public sealed class SipSubscriptionStateChangedEventArgs(SipSubscriptionState state, string? reason, TimeSpan? retryAfter, bool shouldResubscribe) : EventArgs
{
    public SipSubscriptionState State { get; } = state;

    public string? Reason { get; } = reason;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool ShouldResubscribe { get; } = shouldResubscribe;
}

namespace Bridge.Sip;

/// <summary>Subscription states of RFC 6665 §4.1.2 (subscriber diagram) and §4.2 (notifier).</summary>
public enum SipSubscriptionState
{
    /// <summary>Nothing sent (subscriber) or nothing accepted (notifier) yet.</summary>
    Init,

    /// <summary>Subscriber only: SUBSCRIBE sent, no NOTIFY received yet.</summary>
    NotifyWait,

    Pending,
    Active,
    Terminated,
}

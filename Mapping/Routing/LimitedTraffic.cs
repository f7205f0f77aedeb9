namespace Bridge.Mapping.Routing;

/// <summary>The kinds of request a peer domain is rate-limited on, each with a bucket of its own.</summary>
public enum LimitedTraffic
{
    /// <summary>Page-mode messages.</summary>
    Message,

    /// <summary>New presence subscriptions.</summary>
    Subscription,
}

namespace Bridge.Mapping.Configuration;

/// <summary>
/// How much one peer domain may send through the bridge. Each rate is also the burst: a domain that was
/// quiet may send one second's worth at once. Zero means no limit.
/// </summary>
/// <param name="MessagesPerSecond">Page-mode messages per second (XMPP &lt;message/&gt;, SIP MESSAGE).</param>
/// <param name="SubscriptionsPerSecond">New presence subscriptions per second (XMPP subscribe, initial SIP SUBSCRIBE).</param>
public sealed record PeerLimits(int MessagesPerSecond = 0, int SubscriptionsPerSecond = 0)
{
    /// <summary>No limit at all: the default when nothing is configured.</summary>
    public static PeerLimits Unlimited { get; } = new();
}

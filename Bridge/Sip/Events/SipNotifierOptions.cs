namespace Bridge.Sip;

/// <summary>What a notifier serves and where it can be reached.</summary>
public sealed record SipNotifierOptions(IReadOnlyList<SipEventPackage> Packages, string Contact)
{
    /// <summary>
    /// Status for an accepted SUBSCRIBE. RFC 6665 §8.3.1 deprecates 202 and subscribers treat it like 200;
    /// COMPAT: 202 is kept selectable for RFC 3265 peers that expect it for pending subscriptions.
    /// </summary>
    public int AcceptStatusCode { get; init; } = 200;
}

namespace Bridge.Sip;

/// <summary>
/// An event package a notifier serves (RFC 6665 §7): name, subscription durations and the body types it can send.
/// <see cref="MinExpires"/> and <see cref="MaxExpires"/> are local policy: a SUBSCRIBE asking for less than the minimum
/// gets 423 (§4.2.1.1), one asking for more is shortened (a notifier may shorten but never lengthen).
/// </summary>
public sealed record SipEventPackage(string Name, TimeSpan DefaultExpires, TimeSpan MinExpires, TimeSpan MaxExpires, IReadOnlyList<string> ContentTypes)
{
    public const string PidfContentType = "application/pidf+xml";

    /// <summary>RFC 3856: Event: presence, PIDF bodies (§6.6), default duration 3600 s (§6.4).</summary>
    public static SipEventPackage Presence { get; } =
        new("presence", TimeSpan.FromSeconds(3600), TimeSpan.FromSeconds(60), TimeSpan.FromHours(24), [PidfContentType]);
}

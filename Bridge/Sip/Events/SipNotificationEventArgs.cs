namespace Bridge.Sip;

/// <summary>A NOTIFY carried a body (the event package's state document, e.g. PIDF for presence).</summary>
public sealed class SipNotificationEventArgs(ReadOnlyMemory<byte> body, string? contentType, SipSubscriptionState state) : EventArgs
{
    public ReadOnlyMemory<byte> Body { get; } = body;

    public string? ContentType { get; } = contentType;

    /// <summary>The subscription state the same NOTIFY announced.</summary>
    public SipSubscriptionState State { get; } = state;
}

namespace Bridge.Sip;

/// <summary>Where the stack listens and its RFC 3261 §17.1.1.1 timer bases.</summary>
public sealed record SipStackOptions(IReadOnlyList<SipEndPoint> Listen, SipParserLimits Limits)
{
    /// <summary>RTT estimate.</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retransmit interval for non-INVITE requests.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Maximum time a message stays in the network.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);
}

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

    /// <summary>Retry of a failed outbound TCP/TLS connect (peer restarting); null tries once.</summary>
    public Bridge.Net.ReconnectBackoff? ConnectRetry { get; init; }

    /// <summary>How long requests may wait for an outbound connection; keep it below Timer F (64*T1).</summary>
    public TimeSpan ConnectDeadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests that may wait for one outbound connection; more fail at once (503).</summary>
    public int MaxWaitingPerConnection { get; init; } = 1000;
}

namespace Bridge.Bench;

/// <summary>One direction of one measurement. Lost = sent - delivered - errored, after the drain.</summary>
internal sealed record PhaseResult(
    string Label,
    string Direction,
    double RateTarget,
    double MessagesPerSecond,
    long Sent,
    long Delivered,
    long Errors,
    long Lost,
    long Duplicates,
    long ErrorButDelivered,
    double LatencyP50Ms,
    double LatencyP99Ms,
    double LatencyP999Ms,
    double LatencyMaxMs,
    double BridgeCpuPercent,
    double BenchCpuPercent,
    long SipRetransmissions,
    long UdpReceiveBufferDrops);

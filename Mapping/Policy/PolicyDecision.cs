namespace Bridge.Mapping.Policy;

/// <summary>A policy verdict with a reason fit for a log line or an error text.</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Reason">Why, naming the domain(s) concerned.</param>
public sealed record PolicyDecision(PolicyVerdict Verdict, string Reason)
{
    /// <summary>True when the traffic may pass.</summary>
    public bool IsAllowed => Verdict == PolicyVerdict.Allowed;

    /// <summary>True when the refusal is about the sending domain (unknown, or seen on the wrong protocol) rather than the destination.</summary>
    public bool ConcernsSender { get; init; }
}

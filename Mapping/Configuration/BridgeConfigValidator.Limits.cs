namespace Bridge.Mapping.Configuration;

/// <summary>Checks of the per-peer-domain rate limits.</summary>
public static partial class BridgeConfigValidator
{
    /// <summary>
    /// Far above what one peering link carries, and small enough that a bucket of one second's worth stays
    /// meaningful; past it a limit is a typo, not a policy.
    /// </summary>
    public const int MaxRatePerSecond = 1_000_000;

    private static void ValidateLimits(BridgeConfig config, List<string> errors)
    {
        CheckLimits("Bridge:Limits", config.Limits.Default, errors);
        foreach (var (domain, limits) in config.Limits.Domains.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var key = $"Bridge:Domains:{domain}:Limits";
            if (config.FindDomain(domain) is null)
            {
                errors.Add($"{key}: '{domain}' is not a configured domain");
            }
            CheckLimits(key, limits, errors);
        }
    }

    private static void CheckLimits(string key, PeerLimits limits, List<string> errors)
    {
        if (limits.MessagesPerSecond is < 0 or > MaxRatePerSecond)
        {
            errors.Add(Invariant($"{key}:MessagesPerSecond: {limits.MessagesPerSecond} is outside 0..{MaxRatePerSecond} (0 for no limit)"));
        }
        if (limits.SubscriptionsPerSecond is < 0 or > MaxRatePerSecond)
        {
            errors.Add(Invariant($"{key}:SubscriptionsPerSecond: {limits.SubscriptionsPerSecond} is outside 0..{MaxRatePerSecond} (0 for no limit)"));
        }
    }
}

namespace Bridge.Mapping.Routing;

/// <summary>The answer of a <see cref="IPeerRateLimiter"/>.</summary>
/// <param name="Allowed">True when the request may go on.</param>
/// <param name="RetryAfter">When refused: how long until the domain has room again.</param>
public readonly record struct RateLimitVerdict(bool Allowed, TimeSpan RetryAfter)
{
    /// <summary>Go on.</summary>
    public static RateLimitVerdict Pass { get; } = new(true, TimeSpan.Zero);

    /// <summary>Refused; try again after <paramref name="retryAfter"/>.</summary>
    public static RateLimitVerdict Refuse(TimeSpan retryAfter) => new(false, retryAfter);
}

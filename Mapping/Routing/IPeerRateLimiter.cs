namespace Bridge.Mapping.Routing;

/// <summary>
/// Decides whether a peer domain may send one more request of a kind now. The routers ask it after the
/// peering policy allowed a request, so only configured domains ever get a bucket.
/// </summary>
public interface IPeerRateLimiter
{
    /// <summary>Takes one permit from <paramref name="sourceDomain"/>'s bucket for <paramref name="traffic"/>, or refuses.</summary>
    RateLimitVerdict TryAcquire(string sourceDomain, LimitedTraffic traffic);
}

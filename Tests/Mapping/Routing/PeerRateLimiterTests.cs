using System.Collections.Immutable;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Routing;
using Bridge.Tests.Mapping.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Mapping.Routing;

/// <summary>The per-domain token buckets, on a fake clock: no test sleeps.</summary>
[TestClass]
public sealed class PeerRateLimiterTests
{
    private readonly FakeTimeProvider clock = new();
    private readonly CapturingLogger<PeerRateLimiter> log = new();
    private TestConfigSource source = new(TestConfigs.Valid());

    private PeerRateLimiter Create(PeerLimits defaults, params (string Domain, PeerLimits Limits)[] overrides)
    {
        source = new TestConfigSource(TestConfigs.Valid() with
        {
            Limits = new RateLimitSettings(defaults, overrides.ToImmutableDictionary(o => o.Domain, o => o.Limits, StringComparer.OrdinalIgnoreCase)),
        });
        return new PeerRateLimiter(source, clock, log);
    }

    private static int Passed(PeerRateLimiter limiter, string domain, LimitedTraffic traffic, int tries) =>
        Enumerable.Range(0, tries).Count(_ => limiter.TryAcquire(domain, traffic).Allowed);

    [TestMethod]
    public void TheFirstNPassThenTheRestAreRefusedUntilTheNextSecond()
    {
        using var limiter = Create(new PeerLimits(MessagesPerSecond: 5));

        Assert.AreEqual(5, Passed(limiter, "b.test", LimitedTraffic.Message, 8));
        clock.Advance(TimeSpan.FromMilliseconds(400));
        var refused = limiter.TryAcquire("b.test", LimitedTraffic.Message);
        Assert.IsFalse(refused.Allowed);
        Assert.AreEqual(TimeSpan.FromMilliseconds(600), refused.RetryAfter);

        clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.AreEqual(5, Passed(limiter, "b.test", LimitedTraffic.Message, 8));
    }

    [TestMethod]
    public void AQuietDomainGetsNoMoreThanOneSecondsWorth()
    {
        using var limiter = Create(new PeerLimits(MessagesPerSecond: 4));
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.AreEqual(4, Passed(limiter, "b.test", LimitedTraffic.Message, 20));
    }

    [TestMethod]
    public void DomainsAndKindsHaveBucketsOfTheirOwn()
    {
        using var limiter = Create(new PeerLimits(MessagesPerSecond: 2, SubscriptionsPerSecond: 1));

        Assert.AreEqual(2, Passed(limiter, "b.test", LimitedTraffic.Message, 5));
        Assert.AreEqual(2, Passed(limiter, "a.test", LimitedTraffic.Message, 5), "another domain is unaffected");
        Assert.AreEqual(1, Passed(limiter, "b.test", LimitedTraffic.Subscription, 5), "subscriptions count apart from messages");
        Assert.AreEqual(0, Passed(limiter, "B.TEST", LimitedTraffic.Message, 1), "domain names are case-insensitive");
    }

    [TestMethod]
    public void ZeroMeansNoLimitAndADomainOverridesTheDefault()
    {
        using var limiter = Create(new PeerLimits(MessagesPerSecond: 0, SubscriptionsPerSecond: 1), ("b.test", new PeerLimits(MessagesPerSecond: 3, SubscriptionsPerSecond: 0)));

        Assert.AreEqual(1000, Passed(limiter, "a.test", LimitedTraffic.Message, 1000));
        Assert.AreEqual(1, Passed(limiter, "a.test", LimitedTraffic.Subscription, 10));
        Assert.AreEqual(3, Passed(limiter, "b.test", LimitedTraffic.Message, 10));
        Assert.AreEqual(1000, Passed(limiter, "b.test", LimitedTraffic.Subscription, 1000));
    }

    [TestMethod]
    public void AReloadedRateAppliesAtOnce()
    {
        using var limiter = Create(new PeerLimits(MessagesPerSecond: 1));
        Assert.AreEqual(1, Passed(limiter, "b.test", LimitedTraffic.Message, 5));

        source.Swap(source.Current with { Limits = RateLimitSettings.None with { Default = new PeerLimits(MessagesPerSecond: 3) } });

        Assert.AreEqual(3, Passed(limiter, "b.test", LimitedTraffic.Message, 5));
    }

    [TestMethod]
    public void AFloodIsLoggedOncePerIntervalAndDomain()
    {
        using var limiter = Create(new PeerLimits(MessagesPerSecond: 1));

        Passed(limiter, "b.test", LimitedTraffic.Message, 100);
        Passed(limiter, "a.test", LimitedTraffic.Message, 100);
        var first = log.At(LogLevel.Warning);
        Assert.HasCount(2, first, "one line per domain, not one per refused message");
        Assert.AreEqual("b.test", first[0].Properties["Domain"]);
        Assert.AreEqual("a.test", first[1].Properties["Domain"]);

        clock.Advance(TimeSpan.FromSeconds(5));
        Passed(limiter, "b.test", LimitedTraffic.Message, 100);
        Assert.HasCount(2, log.At(LogLevel.Warning), "still inside the interval");

        clock.Advance(PeerRateLimiter.LogInterval);
        Passed(limiter, "b.test", LimitedTraffic.Message, 2);
        var next = log.At(LogLevel.Warning)[2];
        Assert.AreEqual("b.test", next.Properties["Domain"]);
        Assert.AreEqual(98L + 99L, next.Properties["Suppressed"], "the refusals not logged one by one are counted");
    }
}

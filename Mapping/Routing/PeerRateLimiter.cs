using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Logging;

namespace Bridge.Mapping.Routing;

/// <summary>
/// One-second fixed windows per (peer domain, kind of traffic), from System.Threading.RateLimiting, with the
/// rates of <see cref="BridgeConfig.Limits"/> read on every request, so a config reload applies at once. Each
/// window holds one second's worth of permits and is refilled whole once a second has passed. The refill is
/// driven by the injected <see cref="TimeProvider"/>, so tests need no sleeps: the limiter's own timer is off
/// (AutoReplenishment false) and its window is one tick, because in manual mode the library measures that
/// window with its own Stopwatch and would otherwise ignore a TryReplenish that the fake clock allows.
/// (TokenBucketRateLimiter is no use here for the same reason: in manual mode it adds tokens for the real
/// time elapsed.)
/// A domain over its rate is logged once per <see cref="LogInterval"/>, not once per refused request: a
/// flood must not turn into a flood of log lines.
/// </summary>
public sealed class PeerRateLimiter : IPeerRateLimiter, IDisposable
{
    /// <summary>Refill period of every bucket.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>At most one log line per domain and kind of traffic in this time.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly IBridgeConfigSource config;
    private readonly TimeProvider time;
    private readonly ILogger<PeerRateLimiter> logger;
    private readonly ConcurrentDictionary<(string Domain, LimitedTraffic Traffic), Bucket> buckets = new();

    /// <summary>Creates the limiter.</summary>
    public PeerRateLimiter(IBridgeConfigSource config, TimeProvider time, ILogger<PeerRateLimiter> logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        this.config = config;
        this.time = time;
        this.logger = logger;
    }

    /// <inheritdoc/>
    public RateLimitVerdict TryAcquire(string sourceDomain, LimitedTraffic traffic)
    {
        ArgumentNullException.ThrowIfNull(sourceDomain);
        var limits = config.Current.Limits.For(sourceDomain);
        var rate = traffic == LimitedTraffic.Message ? limits.MessagesPerSecond : limits.SubscriptionsPerSecond;
        if (rate <= 0)
        {
            return RateLimitVerdict.Pass;
        }

        // Domain names are case-insensitive (RFC 4343); upper-casing gives one bucket per domain.
        var key = (sourceDomain.ToUpperInvariant(), traffic);
        var now = time.GetTimestamp();
        var bucket = buckets.GetOrAdd(key, static (_, state) => new Bucket(state.rate, state.now), (rate, now));
        if (bucket.Rate != rate)
        {
            // The configured rate changed: start afresh with a full bucket at the new rate.
            var fresh = new Bucket(rate, now);
            if (buckets.TryUpdate(key, fresh, bucket))
            {
                bucket.Dispose();
                bucket = fresh;
            }
            else
            {
                fresh.Dispose();
                bucket = buckets[key];
            }
        }

        var verdict = bucket.TryAcquire(time, now, out var logNow, out var suppressed);
        if (logNow)
        {
            logger.LogWarning(
                "Peer domain {Domain} exceeds {Rate} {Traffic} per second; the excess is refused ({Suppressed} more refused in the last {Interval} s)",
                sourceDomain, rate, traffic == LimitedTraffic.Message ? "messages" : "subscriptions", suppressed, LogInterval.TotalSeconds);
        }
        return verdict;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var bucket in buckets.Values)
        {
            bucket.Dispose();
        }
        buckets.Clear();
    }

    private sealed class Bucket : IDisposable
    {
        private readonly FixedWindowRateLimiter limiter;
        private readonly Lock gate = new();
        private long lastRefill;
        private long? lastLog;
        private long refusedSinceLog;

        public Bucket(int rate, long now)
        {
            Rate = rate;
            lastRefill = now;
            limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = rate,
                // Refilled by TryAcquire when the TimeProvider says a Period has passed (see the class remarks).
                Window = TimeSpan.FromTicks(1),
                AutoReplenishment = false,
                // Refuse at once: a request waiting in a queue would only hold a transaction open.
                QueueLimit = 0,
            });
        }

        public int Rate { get; }

        public RateLimitVerdict TryAcquire(TimeProvider time, long now, out bool logNow, out long suppressed)
        {
            logNow = false;
            suppressed = 0;
            lock (gate)
            {
                var sinceRefill = time.GetElapsedTime(lastRefill, now);
                if (sinceRefill >= Period)
                {
                    // A manual replenishment of a fixed window restores PermitLimit: full again.
                    limiter.TryReplenish();
                    lastRefill = now;
                    sinceRefill = TimeSpan.Zero;
                }
                using var lease = limiter.AttemptAcquire(1);
                if (lease.IsAcquired)
                {
                    return RateLimitVerdict.Pass;
                }
                if (lastLog is not { } logged || time.GetElapsedTime(logged, now) >= LogInterval)
                {
                    logNow = true;
                    suppressed = refusedSinceLog;
                    refusedSinceLog = 0;
                    lastLog = now;
                }
                else
                {
                    refusedSinceLog++;
                }
                return RateLimitVerdict.Refuse(Period - sinceRefill);
            }
        }

        public void Dispose() => limiter.Dispose();
    }
}

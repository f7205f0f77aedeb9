using Polly;
using Polly.Retry;

namespace Bridge.Net;

/// <summary>
/// How a client link (S2S, SIP over TCP or TLS, XEP-0114 component) retries opening its connection after
/// the peer went away. Transport-agnostic: the pipeline wraps whatever "connect and authenticate" step the
/// caller hands it, so TLS or any later transport gets the same behaviour by passing its own step.
/// </summary>
/// <param name="FirstDelay">Delay before the first retry; doubled on each further failure.</param>
/// <param name="MaxDelay">Cap of the delay, so a peer back after a long outage is found within this time.</param>
/// <param name="MaxAttempts">Retries after the first attempt; null retries until cancelled.</param>
public sealed record ReconnectBackoff(TimeSpan FirstDelay, TimeSpan MaxDelay, int? MaxAttempts = null)
{
    /// <summary>0.5 s doubling up to 30 s, forever: a restarting peer is found within seconds.</summary>
    public static ReconnectBackoff Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    /// <summary>
    /// Retry + exponential backoff + jitter (jitter spreads the reconnects of many links to one peer that
    /// restarted, so they do not arrive in lockstep). Every exception but cancellation by
    /// <paramref name="shutdown"/> counts as a failed attempt. <paramref name="onRetry"/> sees each failure.
    /// </summary>
    public ResiliencePipeline Build(TimeProvider time, CancellationToken shutdown, Action<int, TimeSpan, Exception?>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        var retry = new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => !(e is OperationCanceledException && shutdown.IsCancellationRequested)),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = FirstDelay,
            MaxDelay = MaxDelay,
            MaxRetryAttempts = MaxAttempts ?? int.MaxValue,
            OnRetry = args =>
            {
                onRetry?.Invoke(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                return default;
            },
        };
        return new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(retry).Build();
    }
}

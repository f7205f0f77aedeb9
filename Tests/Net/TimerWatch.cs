using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Net;

/// <summary>
/// A <see cref="TimeProvider"/> over a <see cref="FakeTimeProvider"/> that reports each one-shot timer created on it
/// (a backoff delay, a deadline), with its due time on fake time. A test waits until the timer it means to fire
/// exists, then advances the fake clock exactly to it: time never runs ahead of the code under test.
/// </summary>
internal sealed class TimerWatch(FakeTimeProvider fake) : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<(TimeSpan Period, DateTimeOffset Due)> _timers = [];
    private readonly List<(Func<TimeSpan, bool> Match, int Index, TaskCompletionSource<DateTimeOffset> Done)> _waiters = [];

    public FakeTimeProvider Fake => fake;

    public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

    public override long GetTimestamp() => fake.GetTimestamp();

    public override long TimestampFrequency => fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Registered with the fake clock first, so whoever is told of it can fire it by advancing.
        var timer = fake.CreateTimer(callback, state, dueTime, period);
        // One-shot timers only (a backoff delay, a deadline): a periodic tick (a stack's housekeeping) is never the
        // timer a test waits for, and counting it would let it pass for the next backoff delay.
        if (dueTime != Timeout.InfiniteTimeSpan && period == Timeout.InfiniteTimeSpan)
        {
            var due = fake.GetUtcNow() + dueTime;
            lock (_gate)
            {
                _timers.Add((dueTime, due));
                foreach (var waiter in _waiters.Where(w => w.Match(dueTime) && Matching(w.Match) == w.Index + 1).ToList())
                {
                    waiter.Done.TrySetResult(due);
                    _waiters.Remove(waiter);
                }
            }
        }
        return timer;
    }

    /// <summary>The fake-clock instant at which the first timer created with a due time matching <paramref name="match"/> fires.</summary>
    public Task<DateTimeOffset> WaitForTimerAsync(Func<TimeSpan, bool> match, CancellationToken ct) => WaitForTimerAsync(match, 0, ct);

    /// <summary>
    /// The fake-clock instant at which the <paramref name="index"/>-th (0-based) timer created with a due time
    /// matching <paramref name="match"/> fires: a retry loop's second backoff delay is index 1.
    /// </summary>
    public Task<DateTimeOffset> WaitForTimerAsync(Func<TimeSpan, bool> match, int index, CancellationToken ct)
    {
        lock (_gate)
        {
            var seen = 0;
            foreach (var (dueTime, due) in _timers)
            {
                if (match(dueTime) && seen++ == index)
                {
                    return Task.FromResult(due);
                }
            }
            var done = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, index, done));
            return done.Task.WaitAsync(ct);
        }
    }

    /// <summary>How many timers so far matched <paramref name="match"/>; under <see cref="_gate"/>.</summary>
    private int Matching(Func<TimeSpan, bool> match) => _timers.Count(t => match(t.Period));

    /// <summary>Moves the fake clock on to <paramref name="due"/> (not past it), firing what is due by then.</summary>
    public void AdvanceTo(DateTimeOffset due)
    {
        var step = due - fake.GetUtcNow();
        if (step > TimeSpan.Zero)
        {
            fake.Advance(step);
        }
    }
}

using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Net;

/// <summary>
/// A logger factory that counts the log lines containing <paramref name="marker"/> (by default the "retrying"
/// lines a reconnect pipeline logs), so a test moves fake time on only once a retry is under way.
/// </summary>
internal sealed class RetryLogSignal(string marker = "retrying") : ILoggerFactory
{
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private int _count;

    public ILogger<T> For<T>() => new Logger<T>(this);

    public Task WaitAsync(int count, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_count >= count)
            {
                return Task.CompletedTask;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(ct);
        }
    }

    public bool Reached(int count)
    {
        lock (_gate)
        {
            return _count >= count;
        }
    }

    public ILogger CreateLogger(string categoryName) => new Counter(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Saw(string line)
    {
        if (!line.Contains(marker, StringComparison.Ordinal))
        {
            return;
        }
        lock (_gate)
        {
            _count++;
            foreach (var waiter in _waiters.Where(w => w.Count <= _count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    private sealed class Counter(RetryLogSignal owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Saw(formatter(state, exception));
    }
}

namespace Bridge.Tests.Interop;

/// <summary>Events from a client process, awaitable by predicate.</summary>
public sealed class EventLog<T>
{
    private readonly Lock _lock = new();
    private readonly List<T> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<T> Snapshot()
    {
        lock (_lock)
        {
            return [.. _events];
        }
    }

    public void Add(T item)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _events.Add(item);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>The first event (already seen or future) matching the predicate, or null on timeout.</summary>
    public async Task<T?> WaitForAsync(Func<T, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                foreach (var e in _events)
                {
                    if (predicate(e))
                    {
                        return e;
                    }
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return default;
            }
            try
            {
                await changed.WaitAsync(left).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Loop once more so an event that raced with the timeout is still seen.
            }
        }
    }
}

namespace Bridge.Net;

/// <summary>
/// Items waiting for a link that is (re)connecting, with a bound and a deadline, so that nothing waits
/// forever and nothing is lost silently: every item's task completes, with the caller's result when the
/// link delivers it, or with the result of <see cref="PendingQueue{TItem, TResult}.Expired"/> when its
/// deadline passes first, or at once with <see cref="PendingQueue{TItem, TResult}.Full"/> when the queue is
/// full. Deadlines run on the injected <see cref="TimeProvider"/> (one timer per item, no polling).
/// Thread-safe.
/// </summary>
public sealed class PendingQueue<TItem, TResult>(int limit, TimeSpan deadline, TimeProvider time, Func<TItem, TResult> expired, Func<TItem, TResult> full)
{
    private readonly object _gate = new();
    private readonly LinkedList<Entry> _entries = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public Func<TItem, TResult> Expired { get; } = expired;

    public Func<TItem, TResult> Full { get; } = full;

    /// <summary>Queues the item; the task completes when it is delivered, expires, or cannot be queued.</summary>
    public Task<TResult> Enqueue(TItem item)
    {
        var entry = new Entry(item);
        lock (_gate)
        {
            if (_entries.Count >= limit)
            {
                return Task.FromResult(Full(item));
            }
            entry.Owner = this;
            entry.Node = _entries.AddLast(entry);
            entry.Timer = time.CreateTimer(static state => ((Entry)state!).Owner!.Expire((Entry)state!), entry, deadline, Timeout.InfiniteTimeSpan);
        }
        return entry.Done.Task;
    }

    /// <summary>
    /// Removes and returns every waiting item in arrival order; the caller must complete each with
    /// <see cref="Pending.Complete"/>. Their deadlines stop counting.
    /// </summary>
    public List<Pending> TakeAll()
    {
        List<Entry> taken;
        lock (_gate)
        {
            taken = [.. _entries];
            _entries.Clear();
        }
        var pending = new List<Pending>(taken.Count);
        foreach (var entry in taken)
        {
            entry.Timer?.Dispose();
            pending.Add(new Pending(entry.Item, entry.Done));
        }
        return pending;
    }

    /// <summary>Completes every waiting item with <paramref name="result"/> (link shut down).</summary>
    public void FailAll(Func<TItem, TResult> result)
    {
        foreach (var p in TakeAll())
        {
            p.Complete(result(p.Item));
        }
    }

    private void Expire(Entry entry)
    {
        lock (_gate)
        {
            if (entry.Node?.List is null)
            {
                return; // already taken for delivery
            }
            _entries.Remove(entry.Node);
        }
        entry.Timer?.Dispose();
        entry.Done.TrySetResult(Expired(entry.Item));
    }

    /// <summary>An item taken out of the queue for delivery.</summary>
    public readonly struct Pending(TItem item, TaskCompletionSource<TResult> done)
    {
        public TItem Item { get; } = item;

        public void Complete(TResult result) => done.TrySetResult(result);
    }

    private sealed class Entry(TItem item)
    {
        public TItem Item { get; } = item;
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Entry>? Node { get; set; }
        public ITimer? Timer { get; set; }
        public PendingQueue<TItem, TResult>? Owner { get; set; }
    }
}

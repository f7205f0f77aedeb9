using System.Diagnostics;

namespace Bridge.Bench;

/// <summary>
/// The fate of every message of one phase in one direction: when it was sent, and whether it was delivered
/// to the far peer or its sender got an error. Receivers find it by the phase number carried in each
/// message, so stragglers from an earlier phase never count in a later one.
/// </summary>
internal sealed class Tracker
{
    private const int Pending = 0;
    private const int Delivered = 1;
    private const int Errored = 2;

    private static readonly Tracker?[] Registry = new Tracker?[256];

    private readonly long[] _sentAt;
    private readonly long[] _latency;
    private readonly int[] _state;
    private readonly int[] _answered;
    private readonly int[] _retransmits;
    private readonly SemaphoreSlim? _window;
    private int _next;
    private long _delivered;
    private long _errored;
    private long _duplicates;
    private long _conflicts;
    private long _late;
    private long _lastResolvedAt;

    public Tracker(int phase, string direction, int capacity, int window)
    {
        Phase = phase;
        Direction = direction;
        _sentAt = new long[capacity];
        _latency = new long[capacity];
        _state = new int[capacity];
        _answered = new int[capacity];
        _retransmits = new int[capacity];
        _window = window > 0 ? new SemaphoreSlim(window, window) : null;
        Registry[phase] = this;
    }

    public int Phase { get; }

    public string Direction { get; }

    public int Capacity => _sentAt.Length;

    public int Sent => Volatile.Read(ref _next);

    public long DeliveredCount => Interlocked.Read(ref _delivered);

    public long ErroredCount => Interlocked.Read(ref _errored);

    /// <summary>Messages with an outcome; one that was both delivered and errored counts once.</summary>
    public long Resolved => DeliveredCount + ErroredCount - Conflicts;

    /// <summary>Delivered to the far peer although its sender got an error (the sender may resend: a duplicate for the user).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long LastResolvedAt => Interlocked.Read(ref _lastResolvedAt);

    /// <summary>Closed loop: blocks until one of the window's slots is free, or the deadline passes.</summary>
    public bool WaitSlot(long deadline)
    {
        if (_window is null)
        {
            return true;
        }
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        return left > TimeSpan.Zero && _window.Wait(left);
    }

    /// <summary>Takes another free slot without waiting, so a sender can batch what the window allows.</summary>
    public bool TryTakeSlot() => _window is null || _window.Wait(0);

    /// <summary>The next sequence number, stamped now; -1 when the phase is full.</summary>
    public int NextSeq()
    {
        var seq = Interlocked.Increment(ref _next) - 1;
        if (seq >= _sentAt.Length)
        {
            Interlocked.Decrement(ref _next);
            return -1;
        }
        _sentAt[seq] = Stopwatch.GetTimestamp();
        return seq;
    }

    public long SentAt(int seq) => _sentAt[seq];

    public static Tracker? Find(int phase) => (uint)phase < (uint)Registry.Length ? Registry[phase] : null;

    /// <summary>The far peer got it.</summary>
    public void OnDelivered(int seq)
    {
        if ((uint)seq >= (uint)_sentAt.Length || seq >= Sent)
        {
            Interlocked.Increment(ref _late);
            return;
        }
        var now = Stopwatch.GetTimestamp();
        var before = Interlocked.Or(ref _state[seq], Delivered);
        if ((before & Delivered) != 0)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        _latency[seq] = now - _sentAt[seq];
        Interlocked.Increment(ref _delivered);
        if ((before & Errored) != 0)
        {
            // Its sender was told it failed, yet it arrived: already resolved (as an error), reported apart.
            Interlocked.Increment(ref _conflicts);
            return;
        }
        Resolve(now);
    }

    /// <summary>The sender got an error for it (a SIP failure response, or an XMPP error stanza).</summary>
    public void OnError(int seq)
    {
        if ((uint)seq >= (uint)_sentAt.Length || seq >= Sent)
        {
            Interlocked.Increment(ref _late);
            return;
        }
        var before = Interlocked.Or(ref _state[seq], Errored);
        if ((before & Errored) != 0)
        {
            return;
        }
        Interlocked.Increment(ref _errored);
        if ((before & Delivered) != 0)
        {
            Interlocked.Increment(ref _conflicts);
            return;
        }
        Resolve(Stopwatch.GetTimestamp());
    }

    /// <summary>SIP senders: a final response arrived, so stop retransmitting; true the first time.</summary>
    public bool MarkAnswered(int seq) =>
        (uint)seq < (uint)_answered.Length && Interlocked.Exchange(ref _answered[seq], 1) == 0;

    public bool IsAnswered(int seq) => Volatile.Read(ref _answered[seq]) != 0;

    /// <summary>RFC 3261 timer E over UDP: due at T1, 3T1, 7T1... after the first send; counts the retransmission.</summary>
    public bool DueForRetransmit(int seq, TimeSpan age, TimeSpan t1)
    {
        var done = _retransmits[seq];
        if (done >= 6 || age.Ticks < t1.Ticks * ((2L << done) - 1))
        {
            return false;
        }
        _retransmits[seq] = done + 1;
        return true;
    }

    public bool IsResolved(int seq) => Volatile.Read(ref _state[seq]) != Pending;

    private void Resolve(long now)
    {
        Interlocked.Exchange(ref _lastResolvedAt, now);
        _window?.Release();
    }

    /// <summary>Latencies (ms) of the messages delivered, sorted.</summary>
    public double[] SortedLatenciesMs()
    {
        var n = Sent;
        var list = new List<double>(n);
        for (var i = 0; i < n; i++)
        {
            if ((Volatile.Read(ref _state[i]) & Delivered) != 0)
            {
                list.Add(_latency[i] * 1000.0 / Stopwatch.Frequency);
            }
        }
        list.Sort();
        return [.. list];
    }

    /// <summary>Forget this phase: later arrivals for it count as late, and its memory is freed.</summary>
    public void Retire() => Registry[Phase] = null;

    public long Late => Interlocked.Read(ref _late);
}

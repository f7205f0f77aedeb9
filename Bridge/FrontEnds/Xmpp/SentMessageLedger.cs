using System.Collections.Concurrent;
using Bridge.Mapping.Addresses;

namespace Bridge.FrontEnds.Xmpp;

/// <summary>
/// Remembers, for a while, who sent each message the bridge handed to XMPP. XMPP has no delivery
/// acknowledgement: a failure comes back later as a type='error' stanza carrying the same id, and this
/// ledger is how that failure finds its SIP sender.
/// </summary>
public sealed class SentMessageLedger
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // Entries in recording order: with one lifetime for all, the expired ones are always at the head, so expiry is
    // O(1) per message. The old sweep scanned the whole table every 10 s, and on every message once the table was
    // full (200k entries within ~25 s at the bench's SIP->XMPP rate); ConcurrentDictionary.Count, twice per
    // message, takes every lock of the table.
    private readonly ConcurrentQueue<(string Id, Entry Entry)> _order = new();
    private readonly Lock _expiring = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly int _capacity;
    private int _count;
    private int _queued;

    public SentMessageLedger(TimeProvider time, TimeSpan lifetime, int capacity)
    {
        _time = time;
        _lifetime = lifetime;
        _capacity = capacity;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Remembers the message; when the ledger is full (after expiring old entries) it is not recorded.</summary>
    public void Record(string id, ChatAddress sender, ChatAddress recipient)
    {
        var now = _time.GetTimestamp();
        Expire(now);
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            return;
        }
        var entry = new Entry(sender, recipient, now);
        if (!_entries.TryAdd(id, entry))
        {
            // Same id again: the new entry replaces the old one and does not count twice.
            _entries[id] = entry;
            Interlocked.Decrement(ref _count);
        }
        _order.Enqueue((id, entry));
        Interlocked.Increment(ref _queued);
    }

    /// <summary>Takes the entry for a bounced id, if it is ours and the bounce comes from the recipient's domain.</summary>
    public bool TryTake(string id, string bounceFromDomain, out ChatAddress sender, out ChatAddress recipient)
    {
        if (_entries.TryGetValue(id, out var entry)
            && string.Equals(entry.Recipient.Domain, bounceFromDomain, StringComparison.OrdinalIgnoreCase)
            && _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
        {
            Interlocked.Decrement(ref _count);
            sender = entry.Sender;
            recipient = entry.Recipient;
            return true;
        }
        sender = recipient = null!;
        return false;
    }

    private void Expire(long now)
    {
        if (!_order.TryPeek(out var head) || !Due(head.Entry, now))
        {
            return;
        }
        // One thread at a time, so the peeked head is the one dequeued; the others need not wait for it.
        if (!_expiring.TryEnter())
        {
            return;
        }
        try
        {
            while (_order.TryPeek(out head) && Due(head.Entry, now))
            {
                _order.TryDequeue(out _);
                Interlocked.Decrement(ref _queued);
                // Only if still this very entry: not taken by a bounce, not replaced by a newer record of the id.
                if (_entries.TryRemove(new KeyValuePair<string, Entry>(head.Id, head.Entry)))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            _expiring.Exit();
        }
    }

    /// <summary>
    /// Expired, or the queue holds twice the capacity: entries taken by bounces stay queued until they expire, and a
    /// stream of bounced messages must not grow the queue without bound (the oldest entries then go first).
    /// </summary>
    private bool Due(Entry head, long now) =>
        _time.GetElapsedTime(head.RecordedAt, now) > _lifetime || Volatile.Read(ref _queued) > 2 * _capacity;

    /// <summary>A class, not a record: removals match the very entry (reference equality), not an equal one.</summary>
    private sealed class Entry(ChatAddress sender, ChatAddress recipient, long recordedAt)
    {
        public ChatAddress Sender { get; } = sender;

        public ChatAddress Recipient { get; } = recipient;

        public long RecordedAt { get; } = recordedAt;
    }
}

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
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly int _capacity;
    private long _nextSweep;

    public SentMessageLedger(TimeProvider time, TimeSpan lifetime, int capacity)
    {
        _time = time;
        _lifetime = lifetime;
        _capacity = capacity;
    }

    public int Count => _entries.Count;

    public void Record(string id, ChatAddress sender, ChatAddress recipient)
    {
        var now = _time.GetTimestamp();
        if (_entries.Count >= _capacity || now >= Interlocked.Read(ref _nextSweep))
        {
            Sweep(now);
        }
        if (_entries.Count < _capacity)
        {
            _entries[id] = new Entry(sender, recipient, now);
        }
    }

    /// <summary>Takes the entry for a bounced id, if it is ours and the bounce comes from the recipient's domain.</summary>
    public bool TryTake(string id, string bounceFromDomain, out ChatAddress sender, out ChatAddress recipient)
    {
        if (_entries.TryGetValue(id, out var entry)
            && string.Equals(entry.Recipient.Domain, bounceFromDomain, StringComparison.OrdinalIgnoreCase)
            && _entries.TryRemove(id, out entry))
        {
            sender = entry.Sender;
            recipient = entry.Recipient;
            return true;
        }
        sender = recipient = null!;
        return false;
    }

    private void Sweep(long now)
    {
        Interlocked.Exchange(ref _nextSweep, now + (_time.TimestampFrequency * 10));
        foreach (var (id, entry) in _entries)
        {
            if (_time.GetElapsedTime(entry.RecordedAt, now) > _lifetime)
            {
                _entries.TryRemove(id, out _);
            }
        }
    }

    private sealed record Entry(ChatAddress Sender, ChatAddress Recipient, long RecordedAt);
}

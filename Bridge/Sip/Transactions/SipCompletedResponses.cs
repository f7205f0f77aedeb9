using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Bridge.Sip;

/// <summary>
/// UDP server transactions in the Completed state (RFC 3261 §17.2.2): for timer J (64*T1) all that is left to do is
/// answer a retransmitted request with the final response again, so only the key, the response's bytes and where to
/// send them are kept. A transaction object, its closures, its own ITimer and the SipResponse per message, held
/// for 32 s at 10k msg/s, was ~300k object graphs promoted through every GC generation.
/// Timer J is the same for all, so entries expire in insertion order: one FIFO queue and one timer ticking every
/// T1 instead of a timer each (an entry may live up to one T1 longer than 64*T1).
/// </summary>
internal sealed class SipCompletedResponses : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, Entry Entry)> _order = new();
    private readonly Lock _expiring = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _timerJ;
    private readonly ILogger _logger;
    private readonly ITimer _tick;

    public SipCompletedResponses(SipStackOptions options, TimeProvider time, ILogger logger)
    {
        _time = time;
        _timerJ = 64 * options.T1;
        _logger = logger;
        _tick = time.CreateTimer(static s => ((SipCompletedResponses)s!).Expire(), this, options.T1, options.T1);
    }

    public int Count => _entries.Count;

    public void Add(string key, byte[] response, IPEndPoint target, SipUdpChannel udp)
    {
        var entry = new Entry(response, target, udp, _time.GetTimestamp());
        _entries[key] = entry;
        _order.Enqueue((key, entry));
    }

    /// <summary>Re-sends the final response when <paramref name="key"/> is a completed transaction.</summary>
    public bool TryRetransmit(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return false;
        }
        _ = SendAsync(entry);
        return true;
    }

    private async Task SendAsync(Entry entry)
    {
        try
        {
            await entry.Udp.SendAsync(entry.Response, entry.Target).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning("SIP response retransmission to {Remote} could not be sent: {Error}", entry.Target, e.Message);
        }
    }

    private void Expire()
    {
        if (!_expiring.TryEnter())
        {
            return;
        }
        try
        {
            var now = _time.GetTimestamp();
            while (_order.TryPeek(out var head) && _time.GetElapsedTime(head.Entry.CompletedAt, now) >= _timerJ)
            {
                _order.TryDequeue(out _);
                _entries.TryRemove(new KeyValuePair<string, Entry>(head.Key, head.Entry));
            }
        }
        finally
        {
            _expiring.Exit();
        }
    }

    public void Dispose()
    {
        _tick.Dispose();
        _entries.Clear();
        _order.Clear();
    }

    /// <summary>A class: removal matches this very entry by reference, not a newer one under the same key.</summary>
    private sealed class Entry(byte[] response, IPEndPoint target, SipUdpChannel udp, long completedAt)
    {
        public byte[] Response { get; } = response;

        public IPEndPoint Target { get; } = target;

        public SipUdpChannel Udp { get; } = udp;

        public long CompletedAt { get; } = completedAt;
    }
}

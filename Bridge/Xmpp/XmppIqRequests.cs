using System.Collections.Concurrent;
using System.Xml.Linq;

namespace Bridge.Xmpp;

/// <summary>
/// Outgoing iq requests and their answers (RFC 6120 §8.2.3: every get/set is answered by exactly one result or
/// error carrying the same id). The stream layer only writes stanzas, so the pairing lives here: an id →
/// pending-answer map, completed by <see cref="TryComplete"/> when an iq result/error arrives whose id and
/// 'from' match the request, or with null when the timeout on the injected clock fires first.
/// </summary>
public sealed class XmppIqRequests
{
    private readonly Func<XElement, CancellationToken, Task<XmppSendResult>> _send;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private long _next;

    public XmppIqRequests(Func<XElement, CancellationToken, Task<XmppSendResult>> send, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(time);
        _send = send;
        _time = time;
    }

    /// <summary>Requests still waiting for their answer.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>
    /// Sends <paramref name="iq"/> (its id is set here) and returns the answer: an iq of type result or error,
    /// or null when it could not be sent or no answer came within <paramref name="timeout"/>.
    /// </summary>
    public async Task<XElement?> RequestAsync(XElement iq, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(iq);
        var id = "bridge-iq-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        iq.SetAttributeValue("id", id);
        var pending = new Pending((string?)iq.Attribute("to") ?? "");
        _pending[id] = pending;
        try
        {
            using var timer = _time.CreateTimer(_ => pending.Answer.TrySetResult(null), null, timeout, Timeout.InfiniteTimeSpan);
            using var registration = ct.Register(() => pending.Answer.TrySetCanceled(ct));
            var sent = await _send(iq, ct).ConfigureAwait(false);
            if (sent.Status != XmppSendStatus.Sent)
            {
                return null;
            }
            return await pending.Answer.Task.ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Offers an incoming iq result/error; true when it answered a request of ours. The 'from' must be the
    /// address the request went to (compared without case: domains are, and disco targets here are domains),
    /// so that no other peer can answer in its name.
    /// </summary>
    public bool TryComplete(XElement stanza)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        if (stanza.Name.LocalName != "iq" || (string?)stanza.Attribute("type") is not ("result" or "error")
            || (string?)stanza.Attribute("id") is not { } id || !_pending.TryGetValue(id, out var pending)
            || !string.Equals((string?)stanza.Attribute("from") ?? "", pending.To, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return pending.Answer.TrySetResult(stanza);
    }

    private sealed class Pending(string to)
    {
        public string To { get; } = to;

        public TaskCompletionSource<XElement?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

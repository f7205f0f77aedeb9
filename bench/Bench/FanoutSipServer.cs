using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;

namespace Bridge.Bench;

/// <summary>
/// The fan-out phase's b.test notifier: ONE presentity, p@b.test, and every SUBSCRIBE for it is a dialog of its
/// own (per-watcher mode: one per watcher; delegated: one, from delegated-presence@a.test). A change is one
/// NOTIFY on every held dialog, so <see cref="NotifiesSent"/> is exactly what crosses the SIP peering link.
/// No retransmission: on loopback a lost NOTIFY shows as a fan-out that never completes (and as
/// <see cref="NotifiesSent"/> − <see cref="NotifiesAnswered"/>), which the runner reports.
/// </summary>
internal sealed class FanoutSipServer(IPEndPoint local, Action<byte[], int, EndPoint> send) : ISipPresenceHandler
{
    public const string Presentity = "p@" + XmppPeer.Remote;

    private readonly string _hostPort = local.ToString();
    private readonly ConcurrentDictionary<string, Dialog> _dialogs = new(StringComparer.Ordinal);
    private readonly Lock _sendLock = new();
    private readonly byte[] _out = new byte[64 * 1024];
    private long _notifiesSent;
    private long _notifiesAnswered;
    private long _subscribes;

    private sealed class Dialog(string callId, string localFrom, string remoteTo, string target, IPEndPoint destination, string eventHeader)
    {
        public string CallId { get; } = callId;
        public string LocalFrom { get; } = localFrom;
        public string RemoteTo { get; } = remoteTo;
        public string Target { get; } = target;
        public IPEndPoint Destination { get; } = destination;
        public string Event { get; } = eventHeader;
        public int CSeq;
    }

    /// <summary>Dialogs held now (SUBSCRIBEd, not ended).</summary>
    public int Dialogs => _dialogs.Count;

    public long Subscribes => Interlocked.Read(ref _subscribes);

    public long NotifiesSent => Interlocked.Read(ref _notifiesSent);

    public long NotifiesAnswered => Interlocked.Read(ref _notifiesAnswered);

    /// <summary>The PIDF note of the current state; the initial NOTIFY of a new dialog carries it too.</summary>
    public string Note { get; private set; } = "initial";

    /// <summary>
    /// One presence change: a NOTIFY with the new note on every dialog, at most <paramref name="window"/>
    /// unanswered at a time (a burst of 10,000 UDP datagrams overflows the bridge's socket buffer, and these
    /// NOTIFYs are not retransmitted); a window that stays full for a second is let go, so a lost answer
    /// cannot stall the change.
    /// </summary>
    public void Change(string note, int window)
    {
        Note = note;
        foreach (var d in _dialogs.Values)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (NotifiesSent - NotifiesAnswered >= window && waited.ElapsedMilliseconds < 1000)
            {
                Thread.Yield();
            }
            SendNotify(d, "active;expires=3600");
        }
    }

    public bool TryHandle(ReadOnlySpan<byte> msg, IPEndPoint from)
    {
        if (msg.StartsWith("SIP/2.0 "u8))
        {
            if (SipText.Header(msg, "CSeq"u8, default).IndexOf("NOTIFY"u8) < 0)
            {
                return false;
            }
            Interlocked.Increment(ref _notifiesAnswered);
            return true;
        }
        if (!msg.StartsWith("SUBSCRIBE "u8))
        {
            return false;
        }
        var callId = Encoding.UTF8.GetString(SipText.Header(msg, "Call-ID"u8, "i"u8));
        var expiresText = SipText.Header(msg, "Expires"u8, "x"u8);
        var expires = expiresText.IsEmpty ? 3600 : int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : 3600;
        var extra = $"Expires: {expires}\r\nContact: <sip:p@{_hostPort}>\r\n";
        if (_dialogs.TryGetValue(callId, out var existing))
        {
            Respond(msg, from, Encoding.UTF8.GetBytes(existing.LocalFrom[(existing.LocalFrom.LastIndexOf(";tag=", StringComparison.Ordinal) + 5)..]), extra);
            if (expires == 0 && _dialogs.TryRemove(callId, out _))
            {
                SendNotify(existing, "terminated");
            }
            return true;
        }
        if (!SipText.Parameter(SipText.Header(msg, "To"u8, "t"u8), ";tag="u8).IsEmpty)
        {
            return true; // a refresh of a dialog we never had: let the bridge's transaction time out
        }
        var toTag = "f" + Interlocked.Increment(ref _subscribes).ToString(CultureInfo.InvariantCulture);
        var target = SipPresenceServer.ContactUri(SipText.Header(msg, "Contact"u8, "m"u8));
        var eventHeader = SipText.Header(msg, "Event"u8, "o"u8);
        var d = new Dialog(callId, Encoding.UTF8.GetString(SipText.Header(msg, "To"u8, "t"u8)) + ";tag=" + toTag,
            Encoding.UTF8.GetString(SipText.Header(msg, "From"u8, "f"u8)), target.Length > 0 ? target : $"sip:{from}",
            SipPresenceServer.TryEndPoint(target) ?? from, eventHeader.IsEmpty ? "presence" : Encoding.UTF8.GetString(eventHeader));
        Respond(msg, from, Encoding.UTF8.GetBytes(toTag), extra);
        if (expires == 0)
        {
            SendNotify(d, "terminated");
            return true;
        }
        _dialogs[callId] = d;
        SendNotify(d, $"active;expires={expires}");
        return true;
    }

    private void Respond(ReadOnlySpan<byte> request, IPEndPoint to, ReadOnlySpan<byte> toTag, string extra)
    {
        lock (_sendLock)
        {
            var n = SipText.BuildResponse(request, _out, "SIP/2.0 202 Accepted\r\n"u8, toTag, Encoding.UTF8.GetBytes(extra));
            if (n > 0)
            {
                send(_out, n, to);
            }
        }
    }

    private void SendNotify(Dialog d, string state)
    {
        var cseq = Interlocked.Increment(ref d.CSeq);
        var body = "<?xml version='1.0' encoding='UTF-8'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:" + Presentity + "'>"
            + $"<tuple id='bench'><status><basic>open</basic></status><note>{Note}</note></tuple></presence>";
        var text = SipPresenceServer.FormatNotify(d.Target, d.LocalFrom, d.RemoteTo, d.CallId, cseq, d.Event,
            "f" + cseq.ToString(CultureInfo.InvariantCulture) + "x" + d.CallId.GetHashCode().ToString("x", CultureInfo.InvariantCulture), _hostPort, state, body);
        lock (_sendLock)
        {
            var n = Encoding.UTF8.GetBytes(text, _out);
            send(_out, n, d.Destination);
            Interlocked.Increment(ref _notifiesSent);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Bridge.Bench;

/// <summary>
/// b.test's presence server (RFC 6665 notifier, RFC 3856 presence) on the SIP peer's UAS socket. A SUBSCRIBE
/// for sip:p{i}@b.test gets 202 (Expires echoed, a To-tag, a Contact) and one NOTIFY active with a small
/// PIDF; the dialog is kept (Call-ID, tags, the SUBSCRIBE's Contact as remote target, a CSeq counter).
/// Expires: 0 gets 202 and NOTIFY terminated. <see cref="SendUpdate"/> pushes a NOTIFY whose PIDF note
/// carries a tag ("n&lt;phase&gt;.&lt;seq&gt;", also the Via branch, so the 200 finds it) into a held dialog.
/// NOTIFYs are retransmitted per RFC 3261 timer E (T1 = 500 ms, doubling, 6 times) until a final response.
/// Record-Route is not honoured: the bridge talks to the peer directly.
/// </summary>
internal sealed class SipPresenceServer : ISipPresenceHandler, IDisposable
{
    private static readonly TimeSpan T1 = TimeSpan.FromMilliseconds(500);

    private readonly Action<byte[], int, EndPoint> _send;
    private readonly string _hostPort;
    private readonly Dialog?[] _dialogs;
    private readonly object _sendLock = new();
    private readonly byte[] _out = new byte[8192];
    private int[] _updateDialog = [];
    private int[] _updateCSeq = [];
    private int[] _held = [];
    private long _subscribes;
    private long _resubscribes;
    private long _refreshes;
    private long _unsubscribes;
    private long _notifyFailures;
    private long _initialAnswered;
    private long _retransmissions;
    private long _unknown;
    private volatile bool _stopped;

    private sealed class Dialog(int index, string callId, string localFrom, string remoteTo, string target, IPEndPoint destination, string eventHeader)
    {
        public int Index { get; } = index;
        public string CallId { get; } = callId;
        /// <summary>NOTIFY From: the SUBSCRIBE's To with our tag.</summary>
        public string LocalFrom { get; } = localFrom;
        /// <summary>NOTIFY To: the SUBSCRIBE's From (with the subscriber's tag).</summary>
        public string RemoteTo { get; } = remoteTo;
        public string Target { get; } = target;
        public IPEndPoint Destination { get; } = destination;
        public string Event { get; } = eventHeader;
        public string ToTag => LocalFrom[(LocalFrom.LastIndexOf(";tag=", StringComparison.Ordinal) + 5)..];
        public int CSeq;
        public int InitialCSeq;
        public long InitialSentAt;
        public int InitialTries;
        public volatile bool InitialAnswered;
        public volatile bool Terminated;
    }

    public SipPresenceServer(int capacity, IPEndPoint local, Action<byte[], int, EndPoint> send)
    {
        _dialogs = new Dialog?[capacity];
        _hostPort = local.ToString();
        _send = send;
        new Thread(RetransmitLoop) { IsBackground = true, Name = "sip-presence-retransmit" }.Start();
    }

    /// <summary>Called for the first NOTIFY of dialog i when the bridge answers it with a failure.</summary>
    public Action<int>? InitialFailed { get; set; }

    /// <summary>The update phase now running; its tracker's seq i went into dialog <c>_updateDialog[i]</c>.</summary>
    public Tracker? Updates { get; private set; }

    /// <summary>New SUBSCRIBEs (dialogs created).</summary>
    public long Subscribes => Interlocked.Read(ref _subscribes);
    /// <summary>Retransmitted initial SUBSCRIBEs (answered 202 again).</summary>
    public long Resubscribes => Interlocked.Read(ref _resubscribes);
    public long Refreshes => Interlocked.Read(ref _refreshes);
    public long Unsubscribes => Interlocked.Read(ref _unsubscribes);
    /// <summary>NOTIFYs answered with a final response >= 300.</summary>
    public long NotifyFailures => Interlocked.Read(ref _notifyFailures);
    /// <summary>Initial NOTIFYs answered 2xx: subscriptions the bridge holds.</summary>
    public long InitialAnswered => Interlocked.Read(ref _initialAnswered);
    public long Retransmissions => Interlocked.Read(ref _retransmissions);
    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>Takes a SUBSCRIBE or a response to one of our NOTIFYs; false for anything else.</summary>
    public bool TryHandle(ReadOnlySpan<byte> msg, IPEndPoint from)
    {
        if (msg.StartsWith("SIP/2.0 "u8))
        {
            var cseq = SipText.Header(msg, "CSeq"u8, default);
            if (cseq.IndexOf("NOTIFY"u8) < 0)
            {
                return false;
            }
            OnNotifyResponse(msg);
            return true;
        }
        if (!msg.StartsWith("SUBSCRIBE "u8))
        {
            return false;
        }
        OnSubscribe(msg, from);
        return true;
    }

    /// <summary>The dialogs whose first NOTIFY was answered 2xx, for the update phase to cycle through.</summary>
    public int[] HeldDialogs() => [.. _dialogs.Where(d => d is { InitialAnswered: true, Terminated: false }).Select(d => d!.Index)];

    /// <summary>Starts an update phase over <paramref name="held"/> (see <see cref="HeldDialogs"/>).</summary>
    public void StartUpdates(Tracker tracker, int[] held)
    {
        _held = held;
        _updateDialog = new int[tracker.Capacity];
        _updateCSeq = new int[tracker.Capacity];
        Updates = tracker;
    }

    public void StopUpdates() => Updates = null;

    /// <summary>Sends NOTIFY seq of the update phase into the next held dialog (round robin).</summary>
    public void SendUpdate(Tracker tracker, int seq)
    {
        var d = _dialogs[_held[seq % _held.Length]]!;
        _updateDialog[seq] = d.Index;
        _updateCSeq[seq] = Interlocked.Increment(ref d.CSeq);
        SendNotify(d, _updateCSeq[seq], WireTag.Format('n', tracker.Phase, seq), "active;expires=3600");
    }

    private void OnSubscribe(ReadOnlySpan<byte> msg, IPEndPoint from)
    {
        var i = PresenceBook.Index(SipText.RequestUri(msg), (byte)'p');
        var callId = Encoding.UTF8.GetString(SipText.Header(msg, "Call-ID"u8, "i"u8));
        var toHeader = SipText.Header(msg, "To"u8, "t"u8);
        var expiresText = SipText.Header(msg, "Expires"u8, "x"u8);
        var expires = expiresText.IsEmpty ? 3600 : int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : 3600;
        if (i < 0 || i >= _dialogs.Length)
        {
            Interlocked.Increment(ref _unknown);
            Respond(msg, from, "SIP/2.0 404 Not Found\r\n"u8, "bench"u8, "");
            return;
        }
        var existing = _dialogs[i];
        var inDialog = !SipText.Parameter(toHeader, ";tag="u8).IsEmpty;
        if (existing is not null && existing.CallId == callId && !existing.Terminated)
        {
            var extra = $"Expires: {expires}\r\nContact: <sip:p{i}@{_hostPort}>\r\n";
            Respond(msg, from, "SIP/2.0 202 Accepted\r\n"u8, Encoding.UTF8.GetBytes(existing.ToTag), extra);
            if (!inDialog)
            {
                Interlocked.Increment(ref _resubscribes);
            }
            else if (expires == 0)
            {
                existing.Terminated = true;
                Interlocked.Increment(ref _unsubscribes);
                SendNotify(existing, Interlocked.Increment(ref existing.CSeq), $"t{i}x{existing.CSeq}", "terminated");
            }
            else
            {
                Interlocked.Increment(ref _refreshes);
                SendNotify(existing, Interlocked.Increment(ref existing.CSeq), $"r{i}x{existing.CSeq}", $"active;expires={expires}");
            }
            return;
        }
        if (inDialog)
        {
            Interlocked.Increment(ref _unknown);
            Respond(msg, from, "SIP/2.0 481 Call/Transaction Does Not Exist\r\n"u8, "bench"u8, "");
            return;
        }
        var toTag = $"pt{i}x{Stopwatch.GetTimestamp() % 1_000_000}";
        var contact = SipText.Header(msg, "Contact"u8, "m"u8);
        var target = ContactUri(contact);
        var destination = TryEndPoint(target) ?? from;
        var eventHeader = SipText.Header(msg, "Event"u8, "o"u8);
        var d = new Dialog(i, callId, Encoding.UTF8.GetString(toHeader) + ";tag=" + toTag,
            Encoding.UTF8.GetString(SipText.Header(msg, "From"u8, "f"u8)), target.Length > 0 ? target : $"sip:{from}",
            destination, eventHeader.IsEmpty ? "presence" : Encoding.UTF8.GetString(eventHeader));
        Respond(msg, from, "SIP/2.0 202 Accepted\r\n"u8, Encoding.UTF8.GetBytes(toTag),
            $"Expires: {expires}\r\nContact: <sip:p{i}@{_hostPort}>\r\n");
        if (expires == 0)
        {
            // A fetch: one NOTIFY terminated, nothing kept.
            Interlocked.Increment(ref _unsubscribes);
            SendNotify(d, Interlocked.Increment(ref d.CSeq), $"t{i}x1", "terminated");
            return;
        }
        _dialogs[i] = d;
        Interlocked.Increment(ref _subscribes);
        d.InitialCSeq = Interlocked.Increment(ref d.CSeq);
        d.InitialSentAt = Stopwatch.GetTimestamp();
        SendNotify(d, d.InitialCSeq, $"i{i}x{d.InitialCSeq}", $"active;expires={expires}");
    }

    private void OnNotifyResponse(ReadOnlySpan<byte> msg)
    {
        if (!Utf8Status(msg, out var status) || status < 200)
        {
            return;
        }
        var branch = SipText.Parameter(SipText.Header(msg, "Via"u8, "v"u8), ";branch=z9hG4bK"u8);
        if (branch.Length < 2)
        {
            Interlocked.Increment(ref _unknown);
            return;
        }
        if (branch[0] == (byte)'n')
        {
            if (!WireTag.TryParse(branch, out var phase, out var seq) || Tracker.Find(phase) is not { } t || !ReferenceEquals(t, Updates))
            {
                Interlocked.Increment(ref _unknown);
                return;
            }
            if (t.MarkAnswered(seq) && status >= 300)
            {
                Interlocked.Increment(ref _notifyFailures);
                t.OnError(seq);
            }
            return;
        }
        if (branch[0] == (byte)'i' && System.Buffers.Text.Utf8Parser.TryParse(branch[1..], out int i, out _)
            && i >= 0 && i < _dialogs.Length && _dialogs[i] is { InitialAnswered: false } d)
        {
            d.InitialAnswered = true;
            if (status >= 300)
            {
                Interlocked.Increment(ref _notifyFailures);
                d.Terminated = true;
                InitialFailed?.Invoke(i);
            }
            else
            {
                Interlocked.Increment(ref _initialAnswered);
            }
        }
    }

    private static bool Utf8Status(ReadOnlySpan<byte> msg, out int status) =>
        System.Buffers.Text.Utf8Parser.TryParse(msg[8..], out status, out _);

    private void Respond(ReadOnlySpan<byte> request, IPEndPoint to, ReadOnlySpan<byte> statusLine, ReadOnlySpan<byte> toTag, string extra)
    {
        lock (_sendLock)
        {
            var n = SipText.BuildResponse(request, _out, statusLine, toTag, Encoding.UTF8.GetBytes(extra));
            if (n > 0)
            {
                _send(_out, n, to);
            }
        }
    }

    private void SendNotify(Dialog d, int cseq, string branchTag, string state)
    {
        var note = branchTag[0] == 'n' ? branchTag + " presence update from the bench" : "bench initial presence";
        var text = FormatNotify(d.Target, d.LocalFrom, d.RemoteTo, d.CallId, cseq, d.Event, branchTag, _hostPort, state,
            Pidf(d.Index, note));
        lock (_sendLock)
        {
            var n = Encoding.UTF8.GetBytes(text, _out);
            _send(_out, n, d.Destination);
        }
    }

    /// <summary>A small PIDF (RFC 3863): one open tuple with a note, which the bridge maps to &lt;status&gt;.</summary>
    public static string Pidf(int i, string note) =>
        $"<?xml version='1.0' encoding='UTF-8'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:p{i}@{XmppPeer.Remote}'>"
        + $"<tuple id='bench'><status><basic>open</basic></status><note>{note}</note></tuple></presence>";

    public static string FormatNotify(string target, string from, string to, string callId, int cseq, string eventHeader,
        string branchTag, string hostPort, string state, string body) =>
        $"NOTIFY {target} SIP/2.0\r\n"
        + $"Via: SIP/2.0/UDP {hostPort};branch=z9hG4bK{branchTag};rport\r\n"
        + "Max-Forwards: 70\r\n"
        + $"From: {from}\r\n"
        + $"To: {to}\r\n"
        + $"Call-ID: {callId}\r\n"
        + $"CSeq: {cseq} NOTIFY\r\n"
        + $"Contact: <sip:{hostPort}>\r\n"
        + $"Event: {eventHeader}\r\n"
        + $"Subscription-State: {state}\r\n"
        + "Content-Type: application/pidf+xml\r\n"
        + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n"
        + body;

    /// <summary>The URI of a Contact header value: inside &lt;&gt;, else up to the first ';'.</summary>
    public static string ContactUri(ReadOnlySpan<byte> contact)
    {
        var lt = contact.IndexOf((byte)'<');
        if (lt >= 0)
        {
            var rest = contact[(lt + 1)..];
            var gt = rest.IndexOf((byte)'>');
            return gt < 0 ? "" : Encoding.UTF8.GetString(rest[..gt]);
        }
        var semi = contact.IndexOf((byte)';');
        return Encoding.UTF8.GetString(semi < 0 ? contact : contact[..semi]).Trim();
    }

    /// <summary>The IPv4 host and port of a sip: URI (default port 5060); null when the host is a name.</summary>
    public static IPEndPoint? TryEndPoint(string uri)
    {
        if (!uri.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var hostPort = uri[4..];
        var at = hostPort.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            hostPort = hostPort[(at + 1)..];
        }
        var end = hostPort.IndexOfAny([';', '?', '>']);
        if (end >= 0)
        {
            hostPort = hostPort[..end];
        }
        var colon = hostPort.LastIndexOf(':');
        var port = 5060;
        if (colon >= 0 && int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p))
        {
            port = p;
            hostPort = hostPort[..colon];
        }
        return IPAddress.TryParse(hostPort, out var address) ? new IPEndPoint(address, port) : null;
    }

    /// <summary>Timer E for unanswered first NOTIFYs (scan from the oldest) and for the update phase's NOTIFYs.</summary>
    private void RetransmitLoop()
    {
        var initialLow = 0;
        Tracker? seen = null;
        var updateLow = 0;
        while (!_stopped)
        {
            Thread.Sleep(100);
            var now = Stopwatch.GetTimestamp();
            while (initialLow < _dialogs.Length && _dialogs[initialLow] is { } first && (first.InitialAnswered || first.Terminated))
            {
                initialLow++;
            }
            for (var i = initialLow; i < _dialogs.Length; i++)
            {
                if (_dialogs[i] is not { InitialAnswered: false, Terminated: false } d || d.InitialSentAt == 0)
                {
                    continue;
                }
                var age = Stopwatch.GetElapsedTime(d.InitialSentAt, now);
                if (d.InitialTries < 6 && age.Ticks >= T1.Ticks * ((2L << d.InitialTries) - 1))
                {
                    d.InitialTries++;
                    Interlocked.Increment(ref _retransmissions);
                    SendNotify(d, d.InitialCSeq, $"i{i}x{d.InitialCSeq}", "active;expires=3600");
                }
            }
            if (Updates is not { } t)
            {
                continue;
            }
            if (!ReferenceEquals(t, seen))
            {
                seen = t;
                updateLow = 0;
            }
            var sent = t.Sent;
            while (updateLow < sent && (t.IsAnswered(updateLow) || t.IsResolved(updateLow)))
            {
                updateLow++;
            }
            for (var seq = updateLow; seq < sent; seq++)
            {
                if (t.IsAnswered(seq) || t.IsResolved(seq))
                {
                    continue;
                }
                var age = Stopwatch.GetElapsedTime(t.SentAt(seq), now);
                if (age < T1)
                {
                    break;
                }
                if (t.DueForRetransmit(seq, age, T1) && _dialogs[_updateDialog[seq]] is { } d)
                {
                    Interlocked.Increment(ref _retransmissions);
                    SendNotify(d, _updateCSeq[seq], WireTag.Format('n', t.Phase, seq), "active;expires=3600");
                }
            }
        }
    }

    public void Dispose() => _stopped = true;
}

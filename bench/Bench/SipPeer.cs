using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bridge.Bench;

/// <summary>
/// The synthetic SIP side (b.test) over UDP: a UAS socket where the bridge's Route for b.test points, which
/// answers every request 200 and counts the MESSAGEs it gets, and a UAC socket that sends MESSAGEs to the
/// bridge and collects the final responses. The UAC retransmits like RFC 3261 §17.1.2.2 (timer E from
/// T1 = 500 ms, doubling) until a final response, so a datagram dropped by a full socket buffer is not
/// counted as lost by the bridge.
/// </summary>
internal sealed class SipPeer : IDisposable
{
    private static readonly TimeSpan T1 = TimeSpan.FromMilliseconds(500);

    private readonly Socket _uas;
    private readonly Socket _uac;
    private readonly IPEndPoint _bridge;
    private readonly string _uacHostPort;
    private readonly byte[] _out = new byte[2048];
    private readonly object _sendLock = new();
    private long _unknown;
    private long _retransmissions;
    private long _failures;
    private volatile bool _stopped;

    public SipPeer(IPEndPoint uas, IPEndPoint uac, IPEndPoint bridge)
    {
        _bridge = bridge;
        _uas = Bind(uas);
        _uac = Bind(uac);
        _uacHostPort = ((IPEndPoint)_uac.LocalEndPoint!).ToString();
        Start("sip-uas", UasLoop);
        Start("sip-uac", UacLoop);
        Start("sip-retransmit", RetransmitLoop);
    }

    /// <summary>The presence phase's notifier: it takes SUBSCRIBEs and the responses to its NOTIFYs off the UAS socket.</summary>
    public ISipPresenceHandler? Presence { get; set; }

    /// <summary>Sends a datagram from the UAS socket (the b.test Route), so the bridge's responses come back to it.</summary>
    public void SendFromUas(byte[] data, int length, EndPoint to) => _uas.SendTo(data, 0, length, SocketFlags.None, to);

    public IPEndPoint UasEndPoint => (IPEndPoint)_uas.LocalEndPoint!;

    /// <summary>Tracker of the phase the UAC is sending now; the retransmission timer scans it.</summary>
    public Tracker? Current { get; set; }

    public long Unknown => Interlocked.Read(ref _unknown);

    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    /// <summary>Final responses other than 2xx the UAC received (each also counted as an error on its message).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    private static Socket Bind(IPEndPoint at)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        // Asks for 4 MiB; the kernel caps it at net.core.rmem_max.
        s.ReceiveBufferSize = 4 << 20;
        s.SendBufferSize = 4 << 20;
        s.Bind(at);
        return s;
    }

    private static void Start(string name, Action body) => new Thread(() => body()) { IsBackground = true, Name = name }.Start();

    /// <summary>Sends one MESSAGE for <paramref name="seq"/> of the tracker's phase.</summary>
    public void SendMessage(Tracker tracker, int seq)
    {
        lock (_sendLock)
        {
            var n = Format(tracker.Phase, seq);
            _uac.SendTo(_out, 0, n, SocketFlags.None, _bridge);
        }
    }

    private int Format(int phase, int seq)
    {
        var tag = WireTag.Format('s', phase, seq);
        var body = $"{tag} hello from the bench, page mode";
        var text = $"MESSAGE sip:alice@a.test SIP/2.0\r\n"
            + $"Via: SIP/2.0/UDP {_uacHostPort};branch=z9hG4bK{tag};rport\r\n"
            + "Max-Forwards: 70\r\n"
            + $"From: <sip:bob@b.test>;tag={tag}\r\n"
            + "To: <sip:alice@a.test>\r\n"
            + $"Call-ID: {tag}@bench\r\n"
            + "CSeq: 1 MESSAGE\r\n"
            + "Content-Type: text/plain;charset=UTF-8\r\n"
            + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n"
            + body;
        return Encoding.UTF8.GetBytes(text, _out);
    }

    private void UacLoop()
    {
        var buffer = new byte[65536];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!_stopped)
        {
            int n;
            try
            {
                n = _uac.ReceiveFrom(buffer, ref from);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_stopped)
                {
                    return;
                }
                continue;
            }
            var msg = buffer.AsSpan(0, n);
            if (!msg.StartsWith("SIP/2.0 "u8) || !Utf8Parser.TryParse(msg[8..], out int status, out _))
            {
                continue;
            }
            if (status < 200)
            {
                continue;
            }
            var callId = SipText.Header(msg, "Call-ID"u8, "i"u8);
            if (!WireTag.TryParse(callId, out var phase, out var seq) || Tracker.Find(phase) is not { } tracker)
            {
                Interlocked.Increment(ref _unknown);
                continue;
            }
            if (!tracker.MarkAnswered(seq))
            {
                continue;
            }
            if (status >= 300)
            {
                Interlocked.Increment(ref _failures);
                tracker.OnError(seq);
            }
        }
    }

    private void UasLoop()
    {
        var buffer = new byte[65536];
        var reply = new byte[4096];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!_stopped)
        {
            int n;
            try
            {
                n = _uas.ReceiveFrom(buffer, ref from);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (_stopped)
                {
                    return;
                }
                continue;
            }
            var msg = buffer.AsSpan(0, n);
            if (Presence is { } presence && presence.TryHandle(msg, (IPEndPoint)from))
            {
                continue;
            }
            if (msg.StartsWith("SIP/2.0 "u8))
            {
                continue;
            }
            var length = SipText.Build200(msg, reply);
            if (length > 0)
            {
                _uas.SendTo(reply, 0, length, SocketFlags.None, from);
            }
            if (!msg.StartsWith("MESSAGE "u8))
            {
                continue;
            }
            var bodyAt = msg.IndexOf("\r\n\r\n"u8);
            if (bodyAt >= 0 && WireTag.TryParse(msg[(bodyAt + 4)..], out var phase, out var seq) && Tracker.Find(phase) is { } tracker)
            {
                tracker.OnDelivered(seq);
            }
            else
            {
                Interlocked.Increment(ref _unknown);
            }
        }
    }

    /// <summary>Timer E for every unanswered MESSAGE of the current phase; the scan starts at the oldest unanswered one.</summary>
    private void RetransmitLoop()
    {
        Tracker? seen = null;
        var low = 0;
        while (!_stopped)
        {
            Thread.Sleep(100);
            var tracker = Current;
            if (tracker is null)
            {
                continue;
            }
            if (!ReferenceEquals(tracker, seen))
            {
                seen = tracker;
                low = 0;
            }
            var now = Stopwatch.GetTimestamp();
            var sent = tracker.Sent;
            while (low < sent && (tracker.IsAnswered(low) || tracker.IsResolved(low)))
            {
                low++;
            }
            for (var seq = low; seq < sent; seq++)
            {
                if (tracker.IsAnswered(seq) || tracker.IsResolved(seq))
                {
                    continue;
                }
                var age = Stopwatch.GetElapsedTime(tracker.SentAt(seq), now);
                if (age < T1)
                {
                    break;
                }
                if (tracker.DueForRetransmit(seq, age, T1))
                {
                    Interlocked.Increment(ref _retransmissions);
                    SendMessage(tracker, seq);
                }
            }
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _uas.Dispose();
        _uac.Dispose();
    }
}

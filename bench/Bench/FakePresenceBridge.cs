using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bridge.Bench;

/// <summary>
/// For `--self-check` only: a stand-in for the bridge's presence wire behaviour, so the presence phase's
/// runner can be driven end to end without the real bridge. It accepts the XMPP peer's stream (dialback
/// accepted without checking), turns `subscribe` from w{i} to p{i} into SUBSCRIBE sip:p{i}@b.test, answers
/// every NOTIFY 200 and turns it into `subscribed` (first one only) and a presence whose &lt;status&gt; is the
/// PIDF note, sent over its own dialback stream to the peer. It understands the bench's own traffic only.
/// </summary>
internal sealed class FakePresenceBridge : IDisposable
{
    private readonly Socket _xmppListener;
    private readonly Socket _sip;
    private readonly IPEndPoint _sipRoute;
    private readonly DialbackKeys _keys;
    private readonly HashSet<int> _subscribed = [];
    private readonly TaskCompletionSource _outReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _out;
    private string _outStreamId = "";
    private int _callCounter;

    public FakePresenceBridge(IPAddress address, IPEndPoint sipRoute, string secret)
    {
        _sipRoute = sipRoute;
        _keys = new DialbackKeys(secret);
        _xmppListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _xmppListener.Bind(new IPEndPoint(address, 0));
        _xmppListener.Listen(4);
        _sip = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        _sip.Bind(new IPEndPoint(address, 0));
        Start(AcceptLoop);
        Start(SipLoop);
    }

    public IPEndPoint XmppEndPoint => (IPEndPoint)_xmppListener.LocalEndPoint!;

    private IPEndPoint SipEndPoint => (IPEndPoint)_sip.LocalEndPoint!;

    private static void Start(Action body) => new Thread(() => body()) { IsBackground = true, Name = "fake-bridge" }.Start();

    /// <summary>Opens the b.test -> a.test stream to the peer's listener and completes dialback.</summary>
    public async Task ConnectOutAsync(IPEndPoint peer, TimeSpan timeout)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(peer).ConfigureAwait(false);
        _out = s;
        Write(s, "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' xmlns:stream='http://etherx.jabber.org/streams' from='b.test' to='a.test' version='1.0'>");
        Start(() => Read(s, OnOutElement));
        await _outReady.Task.WaitAsync(timeout).ConfigureAwait(false);
    }

    private static void Write(Socket s, string text)
    {
        ReadOnlySpan<byte> data = Encoding.UTF8.GetBytes(text);
        while (!data.IsEmpty)
        {
            data = data[s.Send(data)..];
        }
    }

    private void AcceptLoop()
    {
        try
        {
            var s = _xmppListener.Accept();
            Read(s, (kind, e) => OnInElement(s, kind, e));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private delegate void ElementHandler(XmlFramer.Kind kind, ReadOnlySpan<byte> element);

    private static void Read(Socket s, ElementHandler handler)
    {
        var buffer = new byte[1 << 20];
        var filled = 0;
        try
        {
            while (true)
            {
                var got = s.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                if (got == 0)
                {
                    return;
                }
                filled += got;
                var offset = 0;
                while (XmlFramer.Next(buffer.AsSpan(offset, filled - offset), out var start, out var length) is var kind && kind != XmlFramer.Kind.None)
                {
                    handler(kind, buffer.AsSpan(offset + start, length));
                    offset += start + length;
                }
                Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                filled -= offset;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void OnInElement(Socket s, XmlFramer.Kind kind, ReadOnlySpan<byte> e)
    {
        if (kind == XmlFramer.Kind.Header)
        {
            Write(s, "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' xmlns:stream='http://etherx.jabber.org/streams' from='b.test' to='a.test' id='fake-in' version='1.0'><stream:features/>");
        }
        else if (XmlFramer.IsNamed(e, "db:result"u8))
        {
            Write(s, "<db:result from='b.test' to='a.test' type='valid'/>");
        }
        else if (XmlFramer.IsNamed(e, "presence"u8) && XmlFramer.Attribute(e, " type="u8).SequenceEqual("subscribe"u8))
        {
            var i = PresenceBook.Index(XmlFramer.Attribute(e, " to="u8), (byte)'p');
            var call = Interlocked.Increment(ref _callCounter);
            var text = $"SUBSCRIBE sip:p{i}@b.test SIP/2.0\r\nVia: SIP/2.0/UDP {SipEndPoint};branch=z9hG4bKfs{call}\r\nMax-Forwards: 70\r\n"
                + $"From: <sip:w{i}@a.test>;tag=f{call}\r\nTo: <sip:p{i}@b.test>\r\nCall-ID: fake{call}@bridge\r\nCSeq: 1 SUBSCRIBE\r\n"
                + $"Contact: <sip:{SipEndPoint}>\r\nEvent: presence\r\nAccept: application/pidf+xml\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n";
            _sip.SendTo(Encoding.UTF8.GetBytes(text), _sipRoute);
        }
    }

    private void OnOutElement(XmlFramer.Kind kind, ReadOnlySpan<byte> e)
    {
        if (kind == XmlFramer.Kind.Header)
        {
            _outStreamId = Encoding.UTF8.GetString(XmlFramer.Attribute(e, " id="u8));
        }
        else if (XmlFramer.IsNamed(e, "stream:features"u8))
        {
            Write(_out!, $"<db:result from='b.test' to='a.test'>{_keys.Generate("a.test", "b.test", _outStreamId)}</db:result>");
        }
        else if (XmlFramer.IsNamed(e, "db:result"u8))
        {
            if (XmlFramer.Attribute(e, " type="u8).SequenceEqual("valid"u8))
            {
                _outReady.TrySetResult();
            }
            else
            {
                _outReady.TrySetException(new InvalidOperationException("peer refused the fake's dialback"));
            }
        }
    }

    private void SipLoop()
    {
        var buffer = new byte[65536];
        var reply = new byte[4096];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            int n;
            try
            {
                n = _sip.ReceiveFrom(buffer, ref from);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            var msg = buffer.AsSpan(0, n);
            if (!msg.StartsWith("NOTIFY "u8))
            {
                continue;
            }
            _sip.SendTo(reply, 0, SipText.Build200(msg, reply), SocketFlags.None, from);
            var i = PresenceBook.Index(SipText.Header(msg, "To"u8, "t"u8).TrimStart((byte)'<'), (byte)'w');
            var body = msg[(msg.IndexOf("\r\n\r\n"u8) + 4)..];
            var note = Encoding.UTF8.GetString(XmlFramer.ChildText(body, "<note"u8));
            var state = SipText.Header(msg, "Subscription-State"u8, default);
            if (_out is not { } s || i < 0 || !state.StartsWith("active"u8))
            {
                continue;
            }
            var first = _subscribed.Add(i);
            Write(s, (first ? $"<presence type='subscribed' from='p{i}@b.test' to='w{i}@a.test'/>" : "")
                + $"<presence from='p{i}@b.test/bench' to='w{i}@a.test'><status>{note}</status></presence>");
        }
    }

    public void Dispose()
    {
        _xmppListener.Dispose();
        _sip.Dispose();
        _out?.Dispose();
    }
}

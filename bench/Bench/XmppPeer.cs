using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bridge.Bench;

/// <summary>
/// The synthetic XMPP server of a.test. It listens where the bridge's Route for a.test points and plays the
/// receiving server (the bridge's outbound stream, which brings SIP->XMPP messages and error bounces) and the
/// authoritative server (db:verify for our own key). It also opens one stream to the bridge, does dialback
/// as originating server and sends XMPP->SIP messages over it.
/// The bridge's db:result key is checked locally with the bridge's secret (which the bench chose), instead of
/// a db:verify round trip to the bridge: the verdict is the same and this is our own fake peer.
/// </summary>
internal sealed class XmppPeer : IDisposable
{
    public const string Local = "a.test";
    public const string Remote = "b.test";

    private readonly IPEndPoint _listen;
    private readonly IPEndPoint _bridge;
    private readonly DialbackKeys _ourKeys;
    private readonly DialbackKeys _bridgeKeys;
    private readonly Socket _listener;
    private readonly List<Socket> _sockets = [];
    private readonly TaskCompletionSource _senderReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _out = new byte[1 << 20];
    private Socket? _sender;
    private string _senderStreamId = "";
    private long _unknown;
    private long _streamErrors;
    private long _messages;
    private long _bounces;
    private int _streamCounter;
    private long _disco;
    private readonly Lock _writeLock = new();

    public XmppPeer(IPEndPoint listen, IPEndPoint bridge, string ourSecret, string bridgeSecret)
    {
        _listen = listen;
        _bridge = bridge;
        _ourKeys = new DialbackKeys(ourSecret);
        _bridgeKeys = new DialbackKeys(bridgeSecret);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(listen);
        _listener.Listen(64);
        StartThread("xmpp-accept", AcceptLoop);
    }

    public IPEndPoint ListenEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Stanzas for a phase nobody tracks any more, and stream errors or closes seen.</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    public long StreamErrors => Interlocked.Read(ref _streamErrors);

    /// <summary>Every message stanza the bridge delivered to a.test, tracked or not (e.g. sent by sipp).</summary>
    public long MessagesReceived => Interlocked.Read(ref _messages);

    /// <summary>Every type='error' message the bridge returned to a.test.</summary>
    public long BouncesReceived => Interlocked.Read(ref _bounces);

    /// <summary>The presence phase's accounting; presence stanzas are only counted while it is set.</summary>
    public PresenceBook? Presence { get; set; }

    /// <summary>The fan-out phase's accounting; when set, presence stanzas go here instead of <see cref="Presence"/>.</summary>
    public FanoutBook? Fanout { get; set; }

    /// <summary>Whether a.test's disco#info (XEP-0030) lists the XEP-0033 feature, i.e. takes multicast presence.</summary>
    public bool AdvertiseMulticast { get; set; }

    /// <summary>disco#info requests the bridge sent us.</summary>
    public long DiscoRequests => Interlocked.Read(ref _disco);

    /// <summary>Writes `subscribe` from w{i}@a.test to <paramref name="presentity"/> for each index, in one write.</summary>
    public void SendSubscribes(ReadOnlySpan<int> indices, string presentity)
    {
        var n = 0;
        foreach (var i in indices)
        {
            n += Encoding.UTF8.GetBytes($"<presence type='subscribe' from='{PresenceBook.Watcher(i)}' to='{presentity}' id='fs{i}'/>", _out.AsSpan(n));
        }
        var socket = _sender ?? throw new InvalidOperationException("not connected");
        lock (_writeLock)
        {
            Send(socket, _out.AsSpan(0, n));
        }
    }

    /// <summary>Writes `subscribe` from w{i}@a.test to p{i}@b.test for each index, in one write.</summary>
    public void SendSubscribes(ReadOnlySpan<int> indices)
    {
        var n = 0;
        foreach (var i in indices)
        {
            n += Encoding.UTF8.GetBytes(
                $"<presence type='subscribe' from='{PresenceBook.Watcher(i)}' to='{PresenceBook.Presentity(i)}' id='sub{i}'/>",
                _out.AsSpan(n));
        }
        var socket = _sender ?? throw new InvalidOperationException("not connected");
        Send(socket, _out.AsSpan(0, n));
    }

    /// <summary>Connects to the bridge and completes dialback; throws if the bridge does not accept us in time.</summary>
    public async Task ConnectAsync(TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(_listen.Address, 0));
        await socket.ConnectAsync(_bridge).ConfigureAwait(false);
        lock (_sockets)
        {
            _sockets.Add(socket);
        }
        _sender = socket;
        Send(socket, Header(Local, Remote, null));
        StartThread("xmpp-out-reader", () => ReadLoop(socket, outbound: true));
        await _senderReady.Task.WaitAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>Writes one message stanza per sequence number, in one write.</summary>
    public void SendMessages(int phase, ReadOnlySpan<int> seqs)
    {
        var n = 0;
        foreach (var seq in seqs)
        {
            var tag = WireTag.Format('x', phase, seq);
            n += Encoding.UTF8.GetBytes(
                $"<message from='alice@a.test/bench' to='bob@b.test' id='{tag}' type='chat'><body>{tag} hello from the bench, page mode</body></message>",
                _out.AsSpan(n));
        }
        var socket = _sender ?? throw new InvalidOperationException("not connected");
        var sent = 0;
        while (sent < n)
        {
            sent += socket.Send(_out, sent, n - sent, SocketFlags.None);
        }
    }

    private static void StartThread(string name, Action body) =>
        new Thread(() => body()) { IsBackground = true, Name = name }.Start();

    private void AcceptLoop()
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            accepted.NoDelay = true;
            lock (_sockets)
            {
                _sockets.Add(accepted);
            }
            StartThread("xmpp-in", () => ReadLoop(accepted, outbound: false));
        }
    }

    private static byte[] Header(string from, string to, string? id) => Encoding.UTF8.GetBytes(
        "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
        + $"xmlns:stream='http://etherx.jabber.org/streams' from='{from}' to='{to}'"
        + (id is null ? "" : $" id='{id}'") + " version='1.0'>");

    private static void Send(Socket socket, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[socket.Send(data)..];
        }
    }

    private static void Send(Socket socket, string text) => Send(socket, Encoding.UTF8.GetBytes(text));

    private void ReadLoop(Socket socket, bool outbound)
    {
        var buffer = new byte[1 << 20];
        var filled = 0;
        var streamId = "";
        try
        {
            while (true)
            {
                var got = socket.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                if (got == 0)
                {
                    return;
                }
                filled += got;
                var offset = 0;
                while (true)
                {
                    var kind = XmlFramer.Next(buffer.AsSpan(offset, filled - offset), out var start, out var length);
                    if (kind == XmlFramer.Kind.None)
                    {
                        break;
                    }
                    var frame = buffer.AsSpan(offset + start, length);
                    offset += start + length;
                    switch (kind)
                    {
                        case XmlFramer.Kind.Header when outbound:
                            _senderStreamId = Encoding.UTF8.GetString(XmlFramer.Attribute(frame, " id="u8));
                            break;
                        case XmlFramer.Kind.Header:
                            streamId = "bench" + Interlocked.Increment(ref _streamCounter);
                            Send(socket, Header(Local, Remote, streamId));
                            Send(socket, "<stream:features/>"u8);
                            break;
                        case XmlFramer.Kind.End:
                            Send(socket, "</stream:stream>"u8);
                            return;
                        default:
                            OnElement(socket, frame, outbound, streamId);
                            break;
                    }
                }
                if (offset > 0)
                {
                    Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                    filled -= offset;
                }
                if (filled == buffer.Length)
                {
                    throw new InvalidDataException("stanza larger than the peer's buffer");
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void OnElement(Socket socket, ReadOnlySpan<byte> element, bool outbound, string streamId)
    {
        if (XmlFramer.IsNamed(element, "message"u8))
        {
            OnMessage(element);
        }
        else if (XmlFramer.IsNamed(element, "iq"u8))
        {
            OnIq(socket, element, outbound);
        }
        else if (XmlFramer.IsNamed(element, "presence"u8))
        {
            if (Fanout is { } fanout)
            {
                fanout.OnPresence(element);
            }
            else if (Presence is { } book)
            {
                book.OnPresence(element);
            }
            else
            {
                Interlocked.Increment(ref _unknown);
            }
        }
        else if (XmlFramer.IsNamed(element, "stream:features"u8) && outbound)
        {
            var key = _ourKeys.Generate(Remote, Local, _senderStreamId);
            Send(socket, $"<db:result from='{Local}' to='{Remote}'>{key}</db:result>");
        }
        else if (XmlFramer.IsNamed(element, "db:result"u8))
        {
            var type = XmlFramer.Attribute(element, " type="u8);
            if (outbound)
            {
                if (type.SequenceEqual("valid"u8))
                {
                    _senderReady.TrySetResult();
                }
                else
                {
                    _senderReady.TrySetException(new InvalidOperationException("bridge refused dialback: " + Encoding.UTF8.GetString(element)));
                }
                return;
            }
            // The bridge's key for its outbound stream b.test -> a.test, checked with its secret (see class remarks).
            var key = Encoding.UTF8.GetString(XmlFramer.ChildText(element, "<db:result"u8));
            var expected = _bridgeKeys.Generate(Local, Remote, streamId);
            var verdict = key == expected ? "valid" : "invalid";
            Send(socket, $"<db:result xmlns:db='jabber:server:dialback' from='{Local}' to='{Remote}' type='{verdict}'/>");
        }
        else if (XmlFramer.IsNamed(element, "db:verify"u8))
        {
            // Authoritative server for our own key (XEP-0220 §2.1.2 step 3).
            var id = Encoding.UTF8.GetString(XmlFramer.Attribute(element, " id="u8));
            var key = Encoding.UTF8.GetString(XmlFramer.ChildText(element, "<db:verify"u8));
            var verdict = key == _ourKeys.Generate(Remote, Local, id) ? "valid" : "invalid";
            Send(socket, $"<db:verify xmlns:db='jabber:server:dialback' from='{Local}' to='{Remote}' id='{id}' type='{verdict}'/>");
        }
        else if (XmlFramer.IsNamed(element, "stream:error"u8))
        {
            Interlocked.Increment(ref _streamErrors);
            Console.Error.WriteLine("xmpp peer got " + Encoding.UTF8.GetString(element));
        }
    }

    /// <summary>
    /// disco#info to a.test is answered with a server identity and, with <see cref="AdvertiseMulticast"/>, the
    /// XEP-0033 feature (XEP-0033 §2); other gets/sets get service-unavailable (RFC 6120 §8.2.3). The answer
    /// goes back over our own stream to the bridge, as a server answers on its outbound connection.
    /// </summary>
    private void OnIq(Socket socket, ReadOnlySpan<byte> element, bool outbound)
    {
        var type = XmlFramer.Attribute(element, " type="u8);
        if (!type.SequenceEqual("get"u8) && !type.SequenceEqual("set"u8))
        {
            return;
        }
        var id = Encoding.UTF8.GetString(XmlFramer.Attribute(element, " id="u8));
        var from = Encoding.UTF8.GetString(XmlFramer.Attribute(element, " from="u8));
        var to = Encoding.UTF8.GetString(XmlFramer.Attribute(element, " to="u8));
        string reply;
        if (type.SequenceEqual("get"u8) && element.IndexOf("http://jabber.org/protocol/disco#info"u8) >= 0)
        {
            Interlocked.Increment(ref _disco);
            reply = $"<iq type='result' id='{id}' from='{to}' to='{from}'><query xmlns='http://jabber.org/protocol/disco#info'>"
                + "<identity category='server' type='im'/><feature var='http://jabber.org/protocol/disco#info'/>"
                + (AdvertiseMulticast ? "<feature var='http://jabber.org/protocol/address'/>" : "") + "</query></iq>";
        }
        else
        {
            reply = $"<iq type='error' id='{id}' from='{to}' to='{from}'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
        }
        lock (_writeLock)
        {
            // The reader thread and the runner both write to our stream: one whole stanza at a time.
            Send(outbound ? socket : _sender ?? socket, reply);
        }
    }

    private void OnMessage(ReadOnlySpan<byte> element)
    {
        if (XmlFramer.Attribute(element, " type="u8).SequenceEqual("error"u8))
        {
            // A bounce of an XMPP->SIP message: its id is ours.
            Interlocked.Increment(ref _bounces);
            if (WireTag.TryParse(XmlFramer.Attribute(element, " id="u8), out var phase, out var seq) && Tracker.Find(phase) is { } t)
            {
                t.OnError(seq);
            }
            else
            {
                Interlocked.Increment(ref _unknown);
            }
            return;
        }
        Interlocked.Increment(ref _messages);
        if (WireTag.TryParse(XmlFramer.ChildText(element, "<body"u8), out var p, out var s) && Tracker.Find(p) is { } tracker)
        {
            tracker.OnDelivered(s);
        }
        else
        {
            Interlocked.Increment(ref _unknown);
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_sockets)
        {
            foreach (var s in _sockets)
            {
                s.Dispose();
            }
        }
    }
}

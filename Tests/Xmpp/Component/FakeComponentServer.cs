using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using Bridge.Xmpp.Component;
using Bridge.Xmpp.Xml;

namespace Bridge.Tests.Xmpp.Component;

/// <summary>
/// Plays an XMPP server's component port (XEP-0114 accept) on loopback: checks the component's header and
/// handshake, then lets the test read what the component writes and write stanzas to it.
/// </summary>
internal sealed class FakeComponentServer : IAsyncDisposable
{
    public static readonly XNamespace Accept = "jabber:component:accept";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _secret;
    private readonly string _streamId;
    private Session? _session;

    public FakeComponentServer(string secret, string streamId = "3BF96D32")
    {
        _secret = secret;
        _streamId = streamId;
        _listener.Start();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>The 'to' of the last component header.</summary>
    public string? RequestedName { get; private set; }

    /// <summary>Accepts one component connection and completes the handshake (or refuses a wrong one).</summary>
    public async Task<bool> AcceptAsync(CancellationToken ct)
    {
        var tcp = await _listener.AcceptTcpClientAsync(ct);
        var session = new Session(tcp);
        var start = await session.NextAsync(ct);
        Assert.AreEqual(XmlStreamEventKind.StreamStart, start?.Kind);
        Assert.AreEqual(Accept, start!.Header!.DefaultNamespace);
        RequestedName = start.Header.To;
        await session.WriteAsync($"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='{_streamId}' from='{RequestedName}'>", ct);
        var handshake = await session.NextElementAsync(ct);
        Assert.AreEqual(Accept + "handshake", handshake.Name);
        if (handshake.Value != ComponentHandshake.Compute(_streamId, _secret))
        {
            await session.WriteAsync("<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>", ct);
            await session.DisposeAsync();
            return false;
        }
        await session.WriteAsync("<handshake/>", ct);
        _session = session;
        return true;
    }

    public Task SendAsync(string text, CancellationToken ct) => _session!.WriteAsync(text, ct);

    public Task<XElement> NextElementAsync(CancellationToken ct) => _session!.NextElementAsync(ct);

    /// <summary>Drops the connection, as a server that restarts does.</summary>
    public async Task DropAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
            _session = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DropAsync();
        _listener.Stop();
        _listener.Dispose();
    }

    private sealed class Session(TcpClient tcp) : IAsyncDisposable
    {
        private readonly NetworkStream _stream = tcp.GetStream();
        private readonly XmlStreamReader _reader = new(262144, 32);
        private PipeReader? _input;

        private PipeReader Input => _input ??= PipeReader.Create(_stream);

        public Task WriteAsync(string text, CancellationToken ct) => _stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct).AsTask();

        public async Task<XmlStreamEvent?> NextAsync(CancellationToken ct)
        {
            while (true)
            {
                var result = await Input.ReadAsync(ct);
                var buffer = result.Buffer;
                var got = _reader.TryRead(ref buffer, out var ev);
                Input.AdvanceTo(buffer.Start, got ? buffer.Start : buffer.End);
                if (got)
                {
                    return ev;
                }
                if (result.IsCompleted)
                {
                    return null;
                }
            }
        }

        public async Task<XElement> NextElementAsync(CancellationToken ct)
        {
            var ev = await NextAsync(ct);
            Assert.IsNotNull(ev, "connection closed");
            Assert.AreEqual(XmlStreamEventKind.Element, ev.Kind, ev.ErrorCondition);
            return ev.Element!;
        }

        public ValueTask DisposeAsync()
        {
            tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

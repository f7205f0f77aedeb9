using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using Bridge.Xmpp.Xml;

namespace Bridge.Tests.Xmpp;

/// <summary>A hand-driven peer for wire-level tests: writes raw stream text, reads parsed events.</summary>
internal sealed class RawS2SClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private PipeReader _input;
    private readonly XmlStreamReader _reader = new(262144, 32);

    private RawS2SClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    public static async Task<RawS2SClient> ConnectAsync(IPEndPoint endPoint, CancellationToken ct)
    {
        var tcp = new TcpClient(endPoint.AddressFamily);
        await tcp.ConnectAsync(endPoint, ct);
        return new RawS2SClient(tcp);
    }

    public static string Header(string from, string to) =>
        "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
        + $"xmlns:stream='http://etherx.jabber.org/streams' from='{from}' to='{to}' version='1.0'>";

    public async Task SendAsync(string text, CancellationToken ct) =>
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);

    /// <summary>Raw bytes, for input that is not valid UTF-8.</summary>
    public async Task SendAsync(byte[] bytes, CancellationToken ct) =>
        await _stream.WriteAsync(bytes, ct);

    /// <summary>The next event, or null once the server closed the connection.</summary>
    public async Task<XmlStreamEvent?> NextAsync(CancellationToken ct)
    {
        while (true)
        {
            var result = await _input.ReadAsync(ct);
            var buffer = result.Buffer;
            var got = _reader.TryRead(ref buffer, out var ev);
            _input.AdvanceTo(buffer.Start, got ? buffer.Start : buffer.End);
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

    /// <summary>Opens a stream; returns the server's stream id after reading its features.</summary>
    public async Task<string> OpenAsync(string from, string to, CancellationToken ct)
    {
        await SendAsync(Header(from, to), ct);
        var start = await NextAsync(ct);
        Assert.AreEqual(XmlStreamEventKind.StreamStart, start?.Kind);
        var features = await NextElementAsync(ct);
        Assert.AreEqual("features", features.Name.LocalName);
        return start!.Header!.Id!;
    }

    /// <summary>Reads until the server's stream error; returns its condition (or null if it just closed).</summary>
    public async Task<string?> ReadStreamErrorAsync(CancellationToken ct)
    {
        while (await NextAsync(ct) is { } ev)
        {
            if (ev.Element is { } e && e.Name == XName.Get("error", "http://etherx.jabber.org/streams"))
            {
                return e.Elements().First().Name.LocalName;
            }
            if (ev.Kind is XmlStreamEventKind.StreamEnd or XmlStreamEventKind.Error)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>RFC 6120 §5.4: &lt;starttls/&gt;, &lt;proceed/&gt;, then the handshake with an optional client certificate.</summary>
    public async Task StartTlsAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate, CancellationToken ct)
    {
        await SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", ct);
        var proceed = await NextElementAsync(ct);
        Assert.AreEqual("proceed", proceed.Name.LocalName);
        var ssl = new System.Net.Security.SslStream(_tcp.GetStream(), leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "b.test",
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }, ct);
        await _input.CompleteAsync();
        _stream = ssl;
        _input = PipeReader.Create(ssl);
        _reader.Reset();
    }

    /// <summary>RFC 6120 §6.4.6: after SASL success the client's parser forgets the old stream too.</summary>
    public void RestartStream() => _reader.Reset();

    /// <summary>Opens a stream and returns its features (after TLS, or after SASL success).</summary>
    public async Task<XElement> OpenForFeaturesAsync(string from, string to, CancellationToken ct)
    {
        await SendAsync(Header(from, to), ct);
        var start = await NextAsync(ct);
        Assert.AreEqual(XmlStreamEventKind.StreamStart, start?.Kind);
        return await NextElementAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        _tcp.Dispose();
    }
}

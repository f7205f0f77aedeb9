using System.Net;
using System.Net.Sockets;
using System.Text;
using Bridge.Sip;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Sip;

/// <summary>Two stacks on 127.0.0.1 talking over real sockets. Waits are bounded by a cancellation token, never slept.</summary>
[TestClass]
public sealed class SipStackLoopbackTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static async Task<SipStack> StartAsync()
    {
        var options = new SipStackOptions(
            [new SipEndPoint(SipTransport.Udp, new IPEndPoint(IPAddress.Loopback, 0)), new SipEndPoint(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, 0))],
            new SipParserLimits());
        var stack = new SipStack(options, TimeProvider.System, NullLogger<SipStack>.Instance);
        await stack.StartAsync(CancellationToken.None);
        return stack;
    }

    private static SipRequest NewMessage(string text)
    {
        var request = new SipRequest("MESSAGE", "sip:bob@b.test");
        request.Headers.Add("From", $"<sip:alice@a.test>;tag={SipStack.NewTag()}");
        request.Headers.Add("To", "<sip:bob@b.test>");
        request.Headers.Add("Call-ID", SipStack.NewCallId("a.test"));
        request.Headers.Add("CSeq", "1 MESSAGE");
        request.Headers.Add("Content-Type", "text/plain");
        request.Body = Encoding.UTF8.GetBytes(text);
        return request;
    }

    [TestMethod]
    [DataRow(SipTransport.Udp)]
    [DataRow(SipTransport.Tcp)]
    public async Task MessageIsAnswered200(SipTransport transport)
    {
        await using var alice = await StartAsync();
        await using var bob = await StartAsync();
        var received = new TaskCompletionSource<SipServerTransaction>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.RequestHandler = async tx =>
        {
            received.TrySetResult(tx);
            await tx.SendResponseAsync(bob.CreateResponse(tx.Request, 200));
        };
        var bobEndPoint = bob.BoundEndPoints.Single(e => e.Transport == transport);
        var aliceEndPoint = alice.BoundEndPoints.Single(e => e.Transport == transport);

        using var cts = new CancellationTokenSource(Limit);
        var response = await alice.SendRequestAsync(NewMessage("héllo"), bobEndPoint, cts.Token);

        Assert.AreEqual(200, response.StatusCode);
        Assert.IsNotNull(response.To!.Tag, "the UAS adds a To-tag");
        Assert.AreEqual("1 MESSAGE", response.Headers["CSeq"]);
        var tx = await received.Task.WaitAsync(cts.Token);
        Assert.AreEqual("héllo", Encoding.UTF8.GetString(tx.Request.Body.Span));
        Assert.AreEqual("70", tx.Request.Headers["Max-Forwards"]);
        Assert.AreEqual(transport, tx.Remote.Transport);
        var via = tx.Request.TopVia!;
        Assert.AreEqual(transport.ToString().ToUpperInvariant(), via.Transport);
        Assert.StartsWith(SipVia.MagicCookie, via.Branch!);
        Assert.AreEqual(aliceEndPoint.EndPoint.Port, via.Port, "sent-by is the listening endpoint");
        Assert.AreEqual(tx.Remote.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), via.Parameters["rport"], "RFC 3581 rport filled in");
    }

    [TestMethod]
    public async Task HandlerExceptionIsAnswered500()
    {
        await using var alice = await StartAsync();
        await using var bob = await StartAsync();
        bob.RequestHandler = _ => throw new InvalidOperationException("boom");
        using var cts = new CancellationTokenSource(Limit);
        var response = await alice.SendRequestAsync(NewMessage("x"), bob.BoundEndPoints.Single(e => e.Transport == SipTransport.Udp), cts.Token);
        Assert.AreEqual(500, response.StatusCode);
    }

    [TestMethod]
    public async Task ConnectionRefusedGives503()
    {
        await using var alice = await StartAsync();
        // Bind then release a port so nothing listens there.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var cts = new CancellationTokenSource(Limit);
        var response = await alice.SendRequestAsync(NewMessage("x"), new SipEndPoint(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, port)), cts.Token);
        Assert.AreEqual(503, response.StatusCode);
    }

    [TestMethod]
    public async Task GarbageDatagramIsDropped_MalformedRequestGets400()
    {
        await using var bob = await StartAsync();
        var handled = 0;
        bob.RequestHandler = tx =>
        {
            Interlocked.Increment(ref handled);
            return tx.SendResponseAsync(bob.CreateResponse(tx.Request, 200));
        };
        var bobUdp = bob.BoundEndPoints.Single(e => e.Transport == SipTransport.Udp).EndPoint;
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;

        await client.SendAsync("\u0001\u0002 not sip at all\r\n\r\n"u8.ToArray(), bobUdp);
        var bad = $"OPTIONS sip:bob@b.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKbad1;rport\r\n" +
                  "From: <sip:alice@a.test>;tag=7\r\nTo: <sip:bob@b.test>\r\nCall-ID: bad1@a.test\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";
        await client.SendAsync(Encoding.ASCII.GetBytes(bad), bobUdp);

        using var cts = new CancellationTokenSource(Limit);
        var datagram = await client.ReceiveAsync(cts.Token);
        var status = SipParser.ParseDatagram(new System.Buffers.ReadOnlySequence<byte>(datagram.Buffer), new SipParserLimits(), out var message, out var error);
        Assert.AreEqual(SipParseStatus.Complete, status, error);
        var response = (SipResponse)message!;
        // The first answer is for the second datagram: the garbage one got none.
        Assert.AreEqual(400, response.StatusCode);
        Assert.AreEqual("CSeq method mismatch", response.ReasonPhrase);
        Assert.AreEqual("bad1@a.test", response.CallId);
        Assert.IsNotNull(response.To!.Tag);
        Assert.AreEqual(0, handled, "malformed requests never reach the handler");
    }

    [TestMethod]
    public async Task UdpRetransmissionAfterTheFinalResponse_GetsTheSameBytes_HandlerRunsOnce()
    {
        await using var bob = await StartAsync();
        var handled = 0;
        bob.RequestHandler = tx =>
        {
            Interlocked.Increment(ref handled);
            return tx.SendResponseAsync(bob.CreateResponse(tx.Request, 202));
        };
        var bobUdp = bob.BoundEndPoints.Single(e => e.Transport == SipTransport.Udp).EndPoint;
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        var request = Encoding.ASCII.GetBytes(
            $"MESSAGE sip:bob@b.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKrexmit1;rport\r\n" +
            "From: <sip:alice@a.test>;tag=9\r\nTo: <sip:bob@b.test>\r\nCall-ID: rexmit1@a.test\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n");
        using var cts = new CancellationTokenSource(Limit);

        await client.SendAsync(request, bobUdp);
        var first = await client.ReceiveAsync(cts.Token);
        // Timer J state: the transaction object is gone, its final response is kept as bytes.
        await client.SendAsync(request, bobUdp);
        var second = await client.ReceiveAsync(cts.Token);

        CollectionAssert.AreEqual(first.Buffer, second.Buffer, "the retransmission is answered with the same final response");
        StringAssert.StartsWith(Encoding.ASCII.GetString(first.Buffer), "SIP/2.0 202 ");
        Assert.AreEqual(1, handled, "a retransmission never reaches the handler");
    }

    [TestMethod]
    public async Task TcpFramingErrorAnswers400AndClosesOnlyThatConnection()
    {
        await using var alice = await StartAsync();
        await using var bob = await StartAsync();
        bob.RequestHandler = tx => tx.SendResponseAsync(bob.CreateResponse(tx.Request, 200));
        var bobTcp = bob.BoundEndPoints.Single(e => e.Transport == SipTransport.Tcp);
        using var cts = new CancellationTokenSource(Limit);

        // A healthy connection from alice first.
        Assert.AreEqual(200, (await alice.SendRequestAsync(NewMessage("1"), bobTcp, cts.Token)).StatusCode);

        using var raw = new TcpClient();
        await raw.ConnectAsync(bobTcp.EndPoint, cts.Token);
        var stream = raw.GetStream();
        var bad = "OPTIONS sip:bob@b.test SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKbad2\r\n" +
                  "From: <sip:alice@a.test>;tag=7\r\nTo: <sip:bob@b.test>\r\nCall-ID: bad2@a.test\r\nCSeq: 1 OPTIONS\r\nContent-Length: -1\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(bad), cts.Token);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cts.Token); // ends when bob closes the connection
        var text = Encoding.UTF8.GetString(copy.ToArray());
        Assert.StartsWith("SIP/2.0 400 Invalid Content-Length\r\n", text);
        Assert.Contains("Call-ID: bad2@a.test\r\n", text);

        // Alice's connection is unaffected.
        Assert.AreEqual(200, (await alice.SendRequestAsync(NewMessage("2"), bobTcp, cts.Token)).StatusCode);
    }
}

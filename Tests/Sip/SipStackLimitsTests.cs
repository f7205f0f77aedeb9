using System.Net;
using System.Net.Sockets;
using System.Text;
using Bridge.Sip;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Sip;

/// <summary>
/// Hostile sizes over real sockets: past <see cref="SipParserLimits"/> a request is answered (513 for the size,
/// 400 naming the problem for header count and line length) and, over TCP, that connection alone is closed.
/// </summary>
[TestClass]
public sealed class SipStackLimitsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private static readonly SipParserLimits Small = new(MaxMessageBytes: 4000, MaxHeaderCount: 20, MaxLineLength: 500);

    private static async Task<SipStack> StartAsync(SipParserLimits limits)
    {
        var options = new SipStackOptions(
            [new SipEndPoint(SipTransport.Udp, new IPEndPoint(IPAddress.Loopback, 0)), new SipEndPoint(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, 0))],
            limits);
        var stack = new SipStack(options, TimeProvider.System, NullLogger<SipStack>.Instance);
        await stack.StartAsync(CancellationToken.None);
        return stack;
    }

    /// <summary>An OPTIONS whose routing headers come first, then <paramref name="extra"/>, then the body.</summary>
    private static string Request(string transport, int port, string callId, string extra = "", string body = "") =>
        $"OPTIONS sip:bob@b.test SIP/2.0\r\nVia: SIP/2.0/{transport} 127.0.0.1:{port};branch=z9hG4bK{callId};rport\r\n"
        + $"From: <sip:alice@a.test>;tag=7\r\nTo: <sip:bob@b.test>\r\nCall-ID: {callId}@a.test\r\nCSeq: 1 OPTIONS\r\n"
        + extra + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n" + body;

    private static string ManyHeaders(int count) => string.Concat(Enumerable.Range(0, count).Select(i => $"X-Filler-{i}: {i}\r\n"));

    public static IEnumerable<object[]> TcpCases =>
    [
        ["count", Request("TCP", 9, "count", ManyHeaders(30)), "SIP/2.0 400 Too Many Header Fields\r\n"],
        ["line", Request("TCP", 9, "line", "Subject: " + new string('x', 600) + "\r\n"), "SIP/2.0 400 Header Line Too Long\r\n"],
        ["body", Request("TCP", 9, "body", body: new string('b', 5000)), "SIP/2.0 513 Message Too Large\r\n"],
        ["head", Request("TCP", 9, "head", ManyHeaders(5) + "X-Long: " + new string('y', 450) + "\r\n" + string.Concat(Enumerable.Repeat("X-More: " + new string('z', 400) + "\r\n", 12))), "SIP/2.0 513 Message Too Large\r\n"],
    ];

    [TestMethod]
    [DynamicData(nameof(TcpCases))]
    public async Task OverTcpTheOffenderIsAnsweredAndClosedOthersGoOn(string callId, string hostile, string expectedStatusLine)
    {
        await using var bob = await StartAsync(Small with { MaxHeaderCount = callId == "head" ? 100 : Small.MaxHeaderCount, MaxLineLength = callId == "head" ? 1000 : Small.MaxLineLength });
        bob.RequestHandler = tx => tx.SendResponseAsync(bob.CreateResponse(tx.Request, 200));
        await using var alice = await StartAsync(new SipParserLimits());
        var bobTcp = bob.BoundEndPoints.Single(e => e.Transport == SipTransport.Tcp);
        using var cts = new CancellationTokenSource(Limit);
        Assert.AreEqual(200, (await alice.SendRequestAsync(NewOptions(), bobTcp, cts.Token)).StatusCode);

        using var raw = new TcpClient();
        await raw.ConnectAsync(bobTcp.EndPoint, cts.Token);
        var stream = raw.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(hostile), cts.Token);
        using var copy = new MemoryStream();
        try
        {
            await stream.CopyToAsync(copy, cts.Token); // ends when bob closes the connection
        }
        catch (IOException)
        {
            // A reset after the answer (unread bytes left behind at close) also ends the connection.
        }
        var text = Encoding.UTF8.GetString(copy.ToArray());

        Assert.StartsWith(expectedStatusLine, text);
        Assert.Contains($"Call-ID: {callId}@a.test\r\n", text);
        Assert.AreEqual(200, (await alice.SendRequestAsync(NewOptions(), bobTcp, cts.Token)).StatusCode, "the other connection is unaffected");
    }

    [TestMethod]
    public async Task AnOversizeDatagramIsAnswered513()
    {
        await using var bob = await StartAsync(Small);
        var bobUdp = bob.BoundEndPoints.Single(e => e.Transport == SipTransport.Udp).EndPoint;
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        using var cts = new CancellationTokenSource(Limit);

        await client.SendAsync(Encoding.ASCII.GetBytes(Request("UDP", port, "big", body: new string('b', 5000))), bobUdp, cts.Token);
        var answer = Encoding.UTF8.GetString((await client.ReceiveAsync(cts.Token)).Buffer);

        Assert.StartsWith("SIP/2.0 513 Message Too Large\r\n", answer);
        Assert.Contains("Call-ID: big@a.test\r\n", answer);
    }

    private static SipRequest NewOptions()
    {
        var request = new SipRequest("OPTIONS", "sip:bob@b.test");
        request.Headers.Add("From", $"<sip:alice@a.test>;tag={SipStack.NewTag()}");
        request.Headers.Add("To", "<sip:bob@b.test>");
        request.Headers.Add("Call-ID", SipStack.NewCallId("a.test"));
        request.Headers.Add("CSeq", "1 OPTIONS");
        return request;
    }
}

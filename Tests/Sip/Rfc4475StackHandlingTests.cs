using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bridge.Sip;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Sip;

/// <summary>
/// RFC 4475 §3.1.2 end to end: each malformed message sent to a real <see cref="SipStack"/> over TCP gets the
/// handling the RFC expects of an element: 400 (505 for the version), dropped for a malformed response, or
/// passed on where the RFC lets an element be liberal. A valid OPTIONS sent after it on the same connection
/// shows what happened to the connection, and that a dropped message got no answer at all.
/// </summary>
[TestClass]
public sealed class Rfc4475StackHandlingTests
{
    private const int Dropped = 0;
    private const int PassedOn = 200;

    [TestMethod]
    [DataRow("badinv01", 400)]   // 3.1.2.1 "should respond with a 400 Bad Request"
    [DataRow("ncl", 400)]        // 3.1.2.3 negative Content-Length: 400, and the stream's framing is lost
    [DataRow("scalar02", 400)]   // 3.1.2.4 "should respond with a 400 Bad Request due to the CSeq error"
    [DataRow("scalarlg", Dropped)] // 3.1.2.5 a response: "should drop this response"
    [DataRow("quotbal", 400)]    // 3.1.2.6 "should respond with a 400 Bad Request"
    [DataRow("ltgtruri", 400)]   // 3.1.2.7 "should be treated as a malformed request"
    [DataRow("lwsruri", 400)]    // 3.1.2.8 "should respond with a 400 Bad Request"
    [DataRow("lwsstart", 400)]   // 3.1.2.9 "should respond with a 400 Bad Request"
    [DataRow("trws", 400)]       // 3.1.2.10 "should respond with a 400 Bad Request"
    [DataRow("escruri", 400)]    // 3.1.2.11 may reject or ignore the headers: rejected
    [DataRow("baddate", PassedOn)] // 3.1.2.12 "should accept"; the Date is not interpreted
    [DataRow("regbadct", PassedOn)] // 3.1.2.13 a registrar rejects the Contact; the transport passes it on
    [DataRow("badaspec", PassedOn)] // 3.1.2.14 "may be liberal" about spaces inside <>
    [DataRow("baddn", 400)]      // 3.1.2.15 "should respond with a 400 Bad Request"
    [DataRow("badvers", 505)]    // 3.1.2.16 "should respond with a 505 Version Not Supported"
    [DataRow("mismatch01", 400)] // 3.1.2.17 "should respond with a 400 Bad Request"
    [DataRow("mismatch02", 400)] // 3.1.2.18 "should respond with a 400 Bad Request"
    [DataRow("bigcode", Dropped)] // 3.1.2.19 a response: "should drop it"
    public async Task MalformedMessageGetsTheRfcsHandling(string name, int expected)
    {
        await using var stack = new SipStack(
            new SipStackOptions([new SipEndPoint(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, 0))], new SipParserLimits()),
            TimeProvider.System, NullLogger<SipStack>.Instance);
        var handled = new List<string>();
        stack.RequestHandler = tx =>
        {
            lock (handled)
            {
                handled.Add(tx.Request.CallId ?? "");
            }
            return tx.SendResponseAsync(stack.CreateResponse(tx.Request, 200));
        };
        await stack.StartAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var vector = SipVectors.Load(name);
        var vectorCallId = SipParser.ParseDatagram(new ReadOnlySequence<byte>(vector), new SipParserLimits(), out var parsed, out _) is var _ && parsed is not null ? parsed.CallId : null;

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(stack.BoundEndPoints[0].EndPoint, cts.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(vector, cts.Token);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "OPTIONS sip:bridge@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKprobe\r\nFrom: <sip:probe@a.test>;tag=1\r\n"
            + "To: <sip:bridge@127.0.0.1>\r\nCall-ID: probe@a.test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"), cts.Token);
        // Handlers run concurrently, so a passed-on message may be answered after the probe: wait for both.
        string[] awaited = expected == PassedOn ? ["probe@a.test", vectorCallId!] : ["probe@a.test"];
        var responses = await ReadResponsesAsync(stream, awaited, cts.Token);

        var forVector = responses.Where(r => r.CallId == vectorCallId && r.CallId != "probe@a.test").ToList();
        switch (expected)
        {
            case Dropped:
                Assert.IsEmpty(forVector, $"{name}: a malformed response is never answered");
                break;
            case PassedOn:
                Assert.AreEqual(200, forVector.Single().StatusCode, $"{name}: {string.Join(", ", responses.Select(r => $"{r.StatusCode} {r.CallId}"))}");
                CollectionAssert.Contains(handled, vectorCallId, $"{name} reaches the handler");
                break;
            default:
                Assert.AreEqual(expected, forVector.First().StatusCode, $"{name}: {forVector.First().ReasonPhrase}");
                CollectionAssert.DoesNotContain(handled, vectorCallId, $"{name} never reaches the handler");
                break;
        }
        if (name is not ("ncl" or "bigcode"))
        {
            // The message was framed by its Content-Length, so the connection goes on.
            Assert.AreEqual(200, responses.Single(r => r.CallId == "probe@a.test").StatusCode, $"{name}: the connection still serves");
        }
    }

    /// <summary>Responses until one for each of <paramref name="callIds"/> arrived or until the stack closes the connection.</summary>
    private static async Task<List<SipResponse>> ReadResponsesAsync(NetworkStream stream, string[] callIds, CancellationToken ct)
    {
        var responses = new List<SipResponse>();
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(chunk, ct);
            }
            catch (IOException)
            {
                read = 0;
            }
            if (read == 0)
            {
                return responses;
            }
            buffer.AddRange(chunk.AsSpan(0, read));
            while (true)
            {
                var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(buffer.ToArray()));
                var status = SipParser.TryParse(ref reader, new SipParserLimits(), out var message, out _);
                // An answer to a malformed request repeats its faulty fields (RFC 3261 §8.2.6.2 copies them), so it
                // may itself read as Invalid; it still counts once it was framed.
                if (status == SipParseStatus.NeedMoreData || reader.Consumed == 0 || message is not SipResponse)
                {
                    break;
                }
                buffer.RemoveRange(0, (int)reader.Consumed);
                responses.Add((SipResponse)message!);
                if (callIds.All(id => responses.Any(r => r.CallId == id)))
                {
                    return responses;
                }
            }
        }
    }
}

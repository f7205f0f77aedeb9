using System.Buffers;
using System.Net;
using System.Text;
using Bridge.Sip;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Sip;

/// <summary>RFC 3261 §8.2.6.2 and §12.1.1: what a UAS response copies from its request.</summary>
[TestClass]
public sealed class SipResponseCreationTests
{
    private static SipRequest Request(string method) =>
        (SipRequest)ParseText(string.Join("\r\n",
            $"{method} sip:alice@a.test SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-p1",
            "Via: SIP/2.0/UDP 127.0.0.1:35409;branch=z9hG4bK-u1",
            "Record-Route: <sip:127.0.0.1;lr>",
            "Record-Route: <sip:10.0.0.9;lr>",
            "From: <sip:bob@b.test>;tag=b1",
            "To: <sip:alice@a.test>",
            "Call-ID: c1@127.0.0.1",
            $"CSeq: 1 {method}",
            "Max-Forwards: 69",
            "Event: presence",
            "Content-Length: 0",
            "",
            ""));

    private static SipMessage ParseText(string text)
    {
        Assert.AreEqual(SipParseStatus.Complete, SipParser.ParseDatagram(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text)), new SipParserLimits(), out var message, out var error), error);
        return message!;
    }

    private static SipStack Stack() =>
        new(new SipStackOptions([new SipEndPoint(SipTransport.Udp, new IPEndPoint(IPAddress.Loopback, 0))], new SipParserLimits()), TimeProvider.System, NullLogger<SipStack>.Instance);

    [TestMethod]
    [DataRow("SUBSCRIBE", 202)]
    [DataRow("SUBSCRIBE", 200)]
    [DataRow("INVITE", 180)]
    [DataRow("NOTIFY", 200)]
    public void A_dialog_creating_success_copies_record_route_in_order(string method, int status)
    {
        var response = Stack().CreateResponse(Request(method), status);
        CollectionAssert.AreEqual(new[] { "<sip:127.0.0.1;lr>", "<sip:10.0.0.9;lr>" }, response.Headers.GetAll("Record-Route").ToArray());
        Assert.HasCount(2, response.Headers.GetAll("Via").ToList());
    }

    [TestMethod]
    [DataRow("SUBSCRIBE", 100)]
    [DataRow("SUBSCRIBE", 489)]
    [DataRow("MESSAGE", 200)]
    public void Other_responses_carry_no_record_route(string method, int status)
    {
        var response = Stack().CreateResponse(Request(method), status);
        Assert.IsEmpty(response.Headers.GetAll("Record-Route").ToList());
    }
}

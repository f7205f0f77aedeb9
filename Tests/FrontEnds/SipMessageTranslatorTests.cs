using System.Buffers;
using System.Text;
using Bridge.FrontEnds.Sip;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Messages;
using Bridge.Sip;

namespace Bridge.Tests.FrontEnds;

[TestClass]
public sealed class SipMessageTranslatorTests
{
    private static SipRequest ParseRequest(string text)
    {
        var status = SipParser.ParseDatagram(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal))), new SipParserLimits(), out var message, out var error);
        Assert.AreEqual(SipParseStatus.Complete, status, error);
        return (SipRequest)message!;
    }

    private const string Message =
        "MESSAGE sip:alice@a.test SIP/2.0\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK776\n" +
        "Max-Forwards: 69\n" +
        "From: \"Bob\" <sip:bob@b.test>;tag=49583\n" +
        "To: <sip:alice@a.test>\n" +
        "Call-ID: asd88asd77a@b.test\n" +
        "CSeq: 1 MESSAGE\n" +
        "Subject: Greetings\n" +
        "Content-Language: fr\n" +
        "Content-Type: text/plain;charset=UTF-8\n" +
        "Content-Length: 7\n\nSalut !";

    [TestMethod]
    public void FromSipCarriesBodySubjectAndLanguage()
    {
        var t = SipMessageTranslator.FromSip(ParseRequest(Message), "id1");
        var m = t.Message;
        Assert.IsNotNull(m, t.Reason);
        Assert.AreEqual(new ChatAddress("bob", "b.test"), m.From);
        Assert.AreEqual(new ChatAddress("alice", "a.test"), m.To);
        Assert.AreEqual("Salut !", m.Body);
        Assert.AreEqual("Greetings", m.Subject);
        Assert.AreEqual("fr", m.Language);
        Assert.AreEqual("id1", m.Id);
        Assert.AreEqual("asd88asd77a@b.test", m.Thread, "RFC 7572: Call-ID maps to <thread/>");
    }

    [TestMethod]
    [DataRow("t-42", true)]
    [DataRow("abc@host.example", true)]
    [DataRow("a b", false)]
    [DataRow("@x", false)]
    [DataRow("x@y@z", false)]
    [DataRow("", false)]
    [DataRow("é", false)]
    public void OnlyThreadsInCallIdSyntaxBecomeTheCallId(string thread, bool used)
    {
        var request = SipMessageTranslator.ToSip(new InstantMessage("m", new ChatAddress("alice", "a.test"), new ChatAddress("bob", "b.test"), "x", Thread: thread));
        Assert.AreEqual(used, request.Headers["Call-ID"] == thread);
        Assert.IsFalse(string.IsNullOrEmpty(request.Headers["Call-ID"]));
    }

    [TestMethod]
    public void NonTextBodiesAreRefusedWith415()
    {
        var t = SipMessageTranslator.FromSip(ParseRequest(Message.Replace("text/plain;charset=UTF-8", "application/im-iscomposing+xml", StringComparison.Ordinal)), "x");
        Assert.IsNull(t.Message);
        Assert.AreEqual(415, t.Status);
    }

    [TestMethod]
    public void TelUrisAreRefusedWith416()
    {
        var t = SipMessageTranslator.FromSip(ParseRequest(Message.Replace("MESSAGE sip:alice@a.test", "MESSAGE tel:+15551234", StringComparison.Ordinal)), "x");
        Assert.AreEqual(416, t.Status);
    }

    [TestMethod]
    public void ALatin1BodyIsDecodedByItsCharset()
    {
        var text = Message.Replace("charset=UTF-8", "charset=ISO-8859-1", StringComparison.Ordinal).Replace("Content-Length: 7\n\nSalut !", "Content-Length: 1\n\n", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal)).Concat(new byte[] { 0xE9 }).ToArray();
        var status = SipParser.ParseDatagram(new ReadOnlySequence<byte>(bytes), new SipParserLimits(), out var parsed, out var error);
        Assert.AreEqual(SipParseStatus.Complete, status, error);
        Assert.AreEqual("é", SipMessageTranslator.FromSip((SipRequest)parsed!, "x").Message!.Body);
    }

    [TestMethod]
    public void ToSipWritesAMessageRequestThatRoundTrips()
    {
        var original = new InstantMessage("m", new ChatAddress("alice", "a.test"), new ChatAddress("bob", "b.test"), "Grüße", Subject: "Hallo", Language: "de", Thread: "th-1");
        var request = SipMessageTranslator.ToSip(original);
        Assert.AreEqual("MESSAGE", request.Method);
        Assert.AreEqual("sip:bob@b.test", request.RequestUri);
        StringAssert.StartsWith(request.Headers["From"], "<sip:alice@a.test>;tag=");
        Assert.AreEqual("Hallo", request.Headers["Subject"]);
        Assert.AreEqual("de", request.Headers["Content-Language"]);
        Assert.AreEqual("th-1", request.Headers["Call-ID"]);
        var wire = Encoding.UTF8.GetString(SipSerializer.ToBytes(request));
        StringAssert.Contains(wire, "Content-Length: " + Encoding.UTF8.GetByteCount("Grüße"));
        var back = SipMessageTranslator.FromSip((SipRequest)ReparseWithVia(request), "m").Message!;
        Assert.AreEqual(original with { Kind = back.Kind }, back);
    }

    private static SipMessage ReparseWithVia(SipRequest request)
    {
        request.Headers.InsertFirst("Via", "SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKtest");
        var bytes = SipSerializer.ToBytes(request);
        Assert.AreEqual(SipParseStatus.Complete, SipParser.ParseDatagram(new ReadOnlySequence<byte>(bytes), new SipParserLimits(), out var m, out var e), e);
        return m!;
    }
}

using System.Buffers;
using Bridge.Sip;

namespace Bridge.Tests.Sip;

/// <summary>RFC 4475 §3.1.2: malformed messages. Where the RFC lets an element be liberal, the comment says so.</summary>
[TestClass]
public sealed class Rfc4475InvalidMessageTests
{
    [TestMethod]
    [DataRow("badinv01", "Invalid Via")]                       // 3.1.2.1 extraneous separators in Via
    [DataRow("clerr", "Content-Length larger than the datagram")] // 3.1.2.2 over UDP
    [DataRow("ncl", "Invalid Content-Length")]                 // 3.1.2.3 negative Content-Length
    [DataRow("scalar02", "Invalid CSeq")]                      // 3.1.2.4 overlarge scalars
    [DataRow("scalarlg", "Invalid CSeq")]                      // 3.1.2.5 response with overlarge CSeq
    [DataRow("quotbal", "Invalid To")]                         // 3.1.2.6 unterminated quoted string
    [DataRow("ltgtruri", "Invalid Request-URI")]               // 3.1.2.7 <> around the Request-URI
    [DataRow("lwsruri", "Invalid Request-Line")]               // 3.1.2.8 LWS inside the Request-URI
    [DataRow("lwsstart", "Invalid Request-Line")]              // 3.1.2.9 several SP between elements
    [DataRow("trws", "Invalid Request-Line")]                  // 3.1.2.10 trailing SP on the Request-Line
    [DataRow("escruri", "Request-URI must not contain headers")] // 3.1.2.11 rejected, the RFC allows ignoring them
    [DataRow("baddn", "Invalid From")]                         // 3.1.2.15 unquoted non-token display name
    [DataRow("badvers", SipParser.VersionNotSupportedError)]   // 3.1.2.16 answered 505 by the stack
    [DataRow("mismatch01", "CSeq method mismatch")]            // 3.1.2.17
    [DataRow("mismatch02", "CSeq method mismatch")]            // 3.1.2.18
    [DataRow("bigcode", "Invalid Status-Line")]                // 3.1.2.19 overlarge status code
    public void InvalidDatagram(string name, string expectedError)
    {
        var status = SipParser.ParseDatagram(new ReadOnlySequence<byte>(SipVectors.Load(name)), new SipParserLimits(), out var message, out var error);
        Assert.AreEqual(SipParseStatus.Invalid, status, name);
        Assert.AreEqual(expectedError, error, name);
        if (message is SipRequest request && expectedError != "Invalid Via")
        {
            // What the stack needs to answer 400 is still there.
            Assert.IsNotNull(request.TopVia, name);
            Assert.IsNotNull(request.CallId, name);
        }
    }

    [TestMethod]
    [DataRow("baddate")]  // 3.1.2.12: Date is not interpreted here, so the bad time zone passes (RFC: MAY accept)
    [DataRow("regbadct")] // 3.1.2.13: Contact is not validated by the transport layer (a registrar would reject)
    [DataRow("badaspec")] // 3.1.2.14: spaces inside <> tolerated, as the RFC allows elements to be liberal
    public void LenientlyAccepted(string name)
    {
        var message = SipVectors.ParseDatagram(name);
        Assert.IsInstanceOfType<SipRequest>(message);
        if (name == "badaspec")
        {
            Assert.AreEqual("sip:t.watson@example.org", message.To!.Uri);
            Assert.AreEqual("Watson, Thomas", message.To.DisplayName);
        }
    }

    [TestMethod]
    public void Clerr_OnAStreamWaitsForTheBody()
    {
        // Over TCP a Content-Length beyond the buffered bytes means "more to come", not an error (RFC 3261 §18.3).
        var status = SipVectors.ParseStream(new ReadOnlySequence<byte>(SipVectors.Load("clerr")), out var message, out _, out var consumed);
        Assert.AreEqual(SipParseStatus.NeedMoreData, status);
        Assert.IsNull(message);
        Assert.AreEqual(0, consumed);
    }

    [TestMethod]
    public void Ncl_OnAStreamIsAFramingError()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(SipVectors.Load("ncl")));
        var status = SipParser.TryParse(ref reader, new SipParserLimits(), out var message, out var error);
        Assert.AreEqual(SipParseStatus.Invalid, status);
        Assert.AreEqual("Invalid Content-Length", error);
        Assert.IsInstanceOfType<SipRequest>(message);
    }

    [TestMethod]
    public void Mismatch01_OnAStreamKeepsFraming()
    {
        var bytes = SipVectors.Load("mismatch01").Concat(SipVectors.Load("lwsdisp")).ToArray();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.AreEqual(SipParseStatus.Invalid, SipParser.TryParse(ref reader, new SipParserLimits(), out _, out var error));
        Assert.AreEqual("CSeq method mismatch", error);
        Assert.AreEqual(SipParseStatus.Complete, SipParser.TryParse(ref reader, new SipParserLimits(), out var next, out _));
        Assert.AreEqual("lwsdisp.1234abcd@funky.example.com", next!.CallId);
    }
}

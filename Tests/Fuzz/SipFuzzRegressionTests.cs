using System.Buffers;
using System.Text;
using Bridge.Sip;

namespace Bridge.Tests.Fuzz;

/// <summary>SIP inputs the fuzzer found, each kept as a plain test named after it.</summary>
[TestClass]
public sealed class SipFuzzRegressionTests
{
    [TestMethod]
    [DataRow("SIP/2.0/TCP [192.0.2.4:5060;branch=z9hG4bK776asdhds")]
    [DataRow("SIP/2.0/UDP [")]
    [DataRow("SIP/2.0/UDP [2001:db8::1")]
    public void ViaWithAnUnclosedIpv6BracketIsRefusedNotThrown(string value)
    {
        // Fuzz sip seed=1 iteration=118965: the host scan stepped one past the end after a '[' without ']' and
        // the slice threw ArgumentOutOfRangeException out of SipParser.Validate.
        Assert.IsFalse(SipVia.TryParse(value, out _));
    }

    [TestMethod]
    public void MessageWithAnUnclosedBracketInViaIsInvalid()
    {
        var text = "MESSAGE sip:alice@a.test SIP/2.0\r\nVia: SIP/2.0/TCP [192.0.2.4:5060;branch=z9hG4bK1\r\nFrom: <sip:bob@b.test>;tag=1\r\n"
            + "To: <sip:alice@a.test>\r\nCall-ID: c1@b.test\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";

        var status = SipParser.ParseDatagram(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text)), new SipParserLimits(), out _, out var error);

        Assert.AreEqual(SipParseStatus.Invalid, status);
        Assert.AreEqual("Invalid Via", error);
    }
}

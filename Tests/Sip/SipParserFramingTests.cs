using System.Buffers;
using System.Text;
using Bridge.Sip;

namespace Bridge.Tests.Sip;

[TestClass]
public sealed class SipParserFramingTests
{
    public static IEnumerable<object[]> ValidVectors => SipVectors.Valid.Select(v => new object[] { v });

    /// <summary>Parses a stream buffer completely, returning each message serialized (canonical form) and what is left.</summary>
    private static List<string> ParseAll(ReadOnlySequence<byte> data, out long remaining, out SipParseStatus last)
    {
        var results = new List<string>();
        while (true)
        {
            last = SipVectors.ParseStream(data, out var message, out var error, out var consumed);
            data = data.Slice(consumed);
            if (last != SipParseStatus.Complete)
            {
                remaining = data.Length;
                if (last is SipParseStatus.Invalid or SipParseStatus.TooLarge)
                {
                    results.Add($"{last}:{error}");
                }
                return results;
            }
            results.Add(Convert.ToBase64String(SipSerializer.ToBytes(message!)));
        }
    }

    [TestMethod]
    [DynamicData(nameof(ValidVectors))]
    public void SplitAtEveryBytePosition_GivesTheSameMessages(string name)
    {
        var bytes = SipVectors.Load(name);
        var whole = ParseAll(new ReadOnlySequence<byte>(bytes), out var wholeRemaining, out var wholeLast);
        Assert.AreEqual(SipParseStatus.NeedMoreData, wholeLast);
        Assert.AreEqual(0, wholeRemaining, $"{name}: the vector is complete on a stream");
        Assert.IsNotEmpty(whole);

        for (var split = 1; split < bytes.Length; split++)
        {
            var first = bytes[..split];
            var second = bytes[split..];
            // First only what has arrived so far, as a pipe would show it.
            var early = ParseAll(new ReadOnlySequence<byte>(first), out var left, out var status);
            Assert.AreEqual(SipParseStatus.NeedMoreData, status, $"{name} split at {split}");
            CollectionAssert.AreEqual(whole.Take(early.Count).ToList(), early, $"{name} split at {split}");
            // Then the unconsumed tail plus the rest, as two segments.
            var late = ParseAll(SipVectors.Segmented(first[(split - (int)left)..], second), out var rest, out status);
            Assert.AreEqual(SipParseStatus.NeedMoreData, status, $"{name} split at {split}");
            Assert.AreEqual(0, rest);
            CollectionAssert.AreEqual(whole, early.Concat(late).ToList(), $"{name} split at {split}");
        }
    }

    [TestMethod]
    public void Dblreq_OnAStreamIsTwoMessages()
    {
        var messages = ParseAll(new ReadOnlySequence<byte>(SipVectors.Load("dblreq")), out _, out _);
        Assert.HasCount(2, messages);
    }

    [TestMethod]
    public void SeveralMessagesAndKeepAlivesInOneBuffer()
    {
        var buffer = "\r\n\r\n"u8.ToArray().Concat(SipVectors.Load("lwsdisp")).Concat("\r\n"u8.ToArray())
            .Concat(SipVectors.Load("esc01")).Concat(SipVectors.Load("noreason")).Concat("\r\n\r\n"u8.ToArray()).ToArray();
        var data = new ReadOnlySequence<byte>(buffer);
        var callIds = new List<string?>();
        while (SipVectors.ParseStream(data, out var message, out var error, out var consumed) is var status && status == SipParseStatus.Complete)
        {
            callIds.Add(message!.CallId);
            data = data.Slice(consumed);
            Assert.IsNull(error);
        }
        CollectionAssert.AreEqual(new[] { "lwsdisp.1234abcd@funky.example.com", "esc01.239409asdfakjkn23onasd0-3234", "noreason.asndj203insdf99223ndf" }, callIds);
    }

    [TestMethod]
    [DynamicData(nameof(ValidVectors))]
    public void SerializerRoundTrip(string name)
    {
        var original = SipVectors.ParseDatagram(name);
        var bytes = SipSerializer.ToBytes(original);
        var status = SipVectors.ParseStream(new ReadOnlySequence<byte>(bytes), out var again, out var error, out var consumed);
        Assert.AreEqual(SipParseStatus.Complete, status, error);
        Assert.AreEqual(bytes.Length, consumed);
        // The serializer writes Content-Length last; everything else keeps its order.
        static List<KeyValuePair<string, string>> WithoutLength(SipMessage m) => m.Headers.Where(h => h.Key != "Content-Length").ToList();
        CollectionAssert.AreEqual(WithoutLength(original), WithoutLength(again!));
        Assert.AreEqual(original.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), again!.Headers["Content-Length"]);
        CollectionAssert.AreEqual(original.Body.ToArray(), again.Body.ToArray());
        CollectionAssert.AreEqual(bytes, SipSerializer.ToBytes(again));
    }

    [TestMethod]
    public void SerializerWritesTheRealContentLength()
    {
        var request = new SipRequest("MESSAGE", "sip:bob@b.test");
        request.Headers.Add("Content-Length", "999");
        request.Headers.Add("Call-ID", "x@y");
        request.Body = "héllo"u8.ToArray();
        var text = Encoding.UTF8.GetString(SipSerializer.ToBytes(request));
        Assert.AreEqual("MESSAGE sip:bob@b.test SIP/2.0\r\nCall-ID: x@y\r\nContent-Length: 6\r\n\r\nhéllo", text);
    }

    [TestMethod]
    [DataRow("m", "Contact")]
    [DataRow("e", "Content-Encoding")]
    [DataRow("k", "Supported")]
    [DataRow("s", "Subject")]
    [DataRow("c", "Content-Type")]
    [DataRow("o", "Event")]
    [DataRow("u", "Allow-Events")]
    [DataRow("x", "Session-Expires")]
    [DataRow("r", "Refer-To")]
    [DataRow("b", "Referred-By")]
    [DataRow("y", "Identity")]
    [DataRow("MAX-FORWARDS", "Max-Forwards")]
    [DataRow("X-Unknown", "X-Unknown")]
    public void CompactAndCaseVariantNamesAreNormalized(string wire, string canonical)
    {
        var text = $"OPTIONS sip:a@b.test SIP/2.0\r\nVia: SIP/2.0/UDP h.test;branch=z9hG4bK1\r\nFrom: <sip:x@y.test>;tag=1\r\nTo: <sip:a@b.test>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n{wire}: 5\r\n\r\n";
        var status = SipParser.ParseDatagram(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)), new SipParserLimits(), out var message, out var error);
        Assert.AreEqual(SipParseStatus.Complete, status, error);
        Assert.AreEqual(canonical, message!.Headers.Last(h => h.Value == "5").Key);
        Assert.AreEqual("5", message.Headers[canonical]);
        Assert.AreEqual("5", message.Headers[canonical.ToUpperInvariant()]);
    }

    [TestMethod]
    public void MandatoryHeadersInCompactForm()
    {
        var text = "OPTIONS sip:a@b.test SIP/2.0\r\nv: SIP/2.0/UDP h.test;branch=z9hG4bK1\r\nf: <sip:x@y.test>;tag=1\r\nt: <sip:a@b.test>\r\ni: c1\r\ncseq: 1 OPTIONS\r\nl: 0\r\n\r\n";
        var status = SipVectors.ParseStream(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)), out var message, out var error, out _);
        Assert.AreEqual(SipParseStatus.Complete, status, error);
        CollectionAssert.AreEqual(new[] { "Via", "From", "To", "Call-ID", "CSeq", "Content-Length" }, message!.Headers.Select(h => h.Key).ToArray());
        Assert.AreEqual("c1", message.CallId);
        Assert.AreEqual("1", message.From!.Tag);
    }

    [TestMethod]
    public void StreamRequiresContentLength()
    {
        var text = "OPTIONS sip:a@b.test SIP/2.0\r\nVia: SIP/2.0/TCP h.test;branch=z9hG4bK1\r\nFrom: <sip:x@y.test>;tag=1\r\nTo: <sip:a@b.test>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n\r\n";
        var status = SipVectors.ParseStream(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)), out var message, out var error, out _);
        Assert.AreEqual(SipParseStatus.Invalid, status);
        Assert.AreEqual("Content-Length is required on stream transports", error);
        Assert.IsNotNull(message);
        // The same bytes as a datagram are fine: the body is the rest of the datagram.
        Assert.AreEqual(SipParseStatus.Complete, SipParser.ParseDatagram(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)), new SipParserLimits(), out _, out _));
    }

    [TestMethod]
    public void LimitsGiveTooLarge()
    {
        var bytes = SipVectors.Load("longreq");
        Assert.AreEqual(SipParseStatus.TooLarge, SipParser.ParseDatagram(new ReadOnlySequence<byte>(bytes), new SipParserLimits(MaxMessageBytes: 1000), out var m1, out _));
        Assert.IsInstanceOfType<SipRequest>(m1, "headers are kept so a 513 can be sent");
        Assert.AreEqual(SipParseStatus.TooLarge, SipParser.ParseDatagram(new ReadOnlySequence<byte>(bytes), new SipParserLimits(MaxHeaderCount: 10), out _, out _));
        Assert.AreEqual(SipParseStatus.TooLarge, SipParser.ParseDatagram(new ReadOnlySequence<byte>(bytes), new SipParserLimits(MaxLineLength: 200), out _, out _));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes[..1500]));
        Assert.AreEqual(SipParseStatus.TooLarge, SipParser.TryParse(ref reader, new SipParserLimits(MaxMessageBytes: 1000), out _, out _));
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Xml.Linq;
using Bridge.Xmpp.Xml;

namespace Bridge.Tests.Xmpp;

[TestClass]
public sealed class XmlStreamReaderTests
{
    private const string Header =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
        + "xmlns:stream='http://etherx.jabber.org/streams' from='a.test' to='b.test' version='1.0'>";

    [TestMethod]
    public void RecordedProsodyConversationGivesItsEvents()
    {
        var events = Read(Encoding.UTF8.GetBytes(ProsodyConversation.Inbound), [int.MaxValue]);

        Assert.AreEqual(ProsodyConversation.ExpectedEvents.Length, events.Count, string.Join("\n", events));
        CollectionAssert.AreEqual(ProsodyConversation.ExpectedEvents, events.Select(e => e.Split(' ')[0]).ToArray());
        Assert.AreEqual("start {http://etherx.jabber.org/streams}stream from=a.test to=b.test id= version=1.0", events[0]);
        Assert.AreEqual("element {jabber:server:dialback}result 6029d1d263b6860ba2a36210431c321ee53c58b9473f92abfd670afa3f6246e9", events[1]);
        Assert.AreEqual("element {jabber:server}message hello bob from alice", events[2]);
        StringAssert.StartsWith(events[3], "element {jabber:server:dialback}verify 8492b657");
        Assert.AreEqual("element {http://etherx.jabber.org/streams}error Received SIGTERM", events[4]);
    }

    [TestMethod]
    public void OneByteAtATimeGivesTheSameEvents()
    {
        var bytes = Encoding.UTF8.GetBytes(ProsodyConversation.Inbound);
        var whole = Read(bytes, [int.MaxValue]);

        CollectionAssert.AreEqual(whole, Read(bytes, [1]));
    }

    [TestMethod]
    public void EverySplitPointGivesTheSameEvents()
    {
        var bytes = Encoding.UTF8.GetBytes(ProsodyConversation.Inbound);
        var whole = Read(bytes, [int.MaxValue]);

        for (var split = 1; split < bytes.Length; split++)
        {
            CollectionAssert.AreEqual(whole, Read(bytes, [split, int.MaxValue]), $"split at {split}");
        }
    }

    [TestMethod]
    public void MultiByteCharactersSplitInsideStillDecode()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "<message from='a@a.test' to='b@b.test'><body>h\u00e9llo \ud83d\ude00</body></message>");
        for (var split = 1; split < bytes.Length; split++)
        {
            var events = Read(bytes, [split, int.MaxValue]);
            Assert.AreEqual("element {jabber:server}message h\u00e9llo \ud83d\ude00", events[1], $"split at {split}");
        }
    }

    [TestMethod]
    public void WhitespaceKeepAlivesAreIgnored()
    {
        var events = Read(Encoding.UTF8.GetBytes(Header + " \n\t <message to='b@b.test'/>\n \n<message to='c@b.test'/> "), [1]);

        CollectionAssert.AreEqual(new[] { "start", "element", "element" }, events.Select(e => e.Split(' ')[0]).ToArray());
    }

    [TestMethod]
    public void CharacterDataBetweenStanzasIsNotWellFormed()
    {
        var events = Read(Encoding.UTF8.GetBytes(Header + "junk<message/>"), [int.MaxValue]);

        Assert.AreEqual("error not-well-formed", events[^1]);
    }

    [TestMethod]
    public void StanzaAtTheSizeLimitPassesOneByteMoreIsPolicyViolation()
    {
        const int limit = 200;
        var prefix = "<message><body>";
        var suffix = "</body></message>";
        var fits = prefix + new string('x', limit - prefix.Length - suffix.Length) + suffix;
        var tooBig = prefix + new string('x', limit - prefix.Length - suffix.Length + 1) + suffix;

        Assert.AreEqual(limit, Encoding.UTF8.GetByteCount(fits));
        Assert.AreEqual("element", Read(Encoding.UTF8.GetBytes(Header + fits), [int.MaxValue], limit)[1].Split(' ')[0]);
        Assert.AreEqual("error policy-violation", Read(Encoding.UTF8.GetBytes(Header + tooBig), [int.MaxValue], limit)[1]);
    }

    [TestMethod]
    public void OversizeStanzaFailsBeforeItEnds()
    {
        // Never closed: the limit must trip on the bytes seen so far, not wait for the end tag.
        var events = Read(Encoding.UTF8.GetBytes(Header + "<message><body>" + new string('x', 5000)), [7], 1000);

        Assert.AreEqual("error policy-violation", events[^1]);
    }

    [TestMethod]
    public void DepthAtTheLimitPassesOneDeeperIsPolicyViolation()
    {
        static string Nested(int depth) => string.Concat(Enumerable.Repeat("<x>", depth)) + string.Concat(Enumerable.Repeat("</x>", depth));

        Assert.AreEqual("element", Read(Encoding.UTF8.GetBytes(Header + Nested(8)), [int.MaxValue], maxDepth: 8)[1].Split(' ')[0]);
        Assert.AreEqual("error policy-violation", Read(Encoding.UTF8.GetBytes(Header + Nested(9)), [int.MaxValue], maxDepth: 8)[1]);
    }

    [TestMethod]
    public void BillionLaughsBeforeTheHeaderIsRestrictedXml()
    {
        var lol = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            ]>
            <stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>&lol3;
            """;

        CollectionAssert.AreEqual(new[] { "error restricted-xml" }, Read(Encoding.UTF8.GetBytes(lol), [1]));
    }

    [TestMethod]
    [DataRow("<?xml version='1.0' encoding='ISO-8859-1'?>", "error unsupported-encoding")]
    [DataRow("<?xml version=\"1.0\" encoding=\"utf-16\"?>", "error unsupported-encoding")]
    [DataRow("<?xml version='1.0' encoding='UTF-8'?>", "start")]
    [DataRow("<?xml version='1.0' encoding = 'utf-8' ?>", "start")]
    public void OnlyUtf8IsDeclarable(string declaration, string first)
    {
        // RFC 6120 §11.6: UTF-8 only; another declared encoding is the stream error unsupported-encoding (§4.9.3.22).
        Assert.StartsWith(first, Read(Encoding.UTF8.GetBytes(declaration + Header[21..]), [int.MaxValue])[0]);
    }

    [TestMethod]
    public void AUtf16ByteOrderMarkIsUnsupportedEncoding()
    {
        CollectionAssert.AreEqual(new[] { "error unsupported-encoding" }, Read([0xFF, 0xFE, (byte)'<', 0], [int.MaxValue]));
    }

    [TestMethod]
    [DataRow("<db:verify from='a.test' to='b.test' id='x' xmlns=''>key</db:verify>")]
    [DataRow("<stream:error xmlns='urn:ietf:params:xml:ns:xmpp-streams'><system-shutdown/></stream:error>")]
    public void AStanzaUsingAHeaderPrefixStillSerializes(string stanza)
    {
        // Fuzzer finding (seed 1, iteration 65256): without the inherited prefix declared on the stanza,
        // XElement.ToString threw because the prefix's namespace collided with the stanza's own xmlns.
        var events = new List<XmlStreamEvent>();
        var reader = new XmlStreamReader(262144, 32);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Header + stanza));
        while (reader.TryRead(ref buffer, out var ev))
        {
            events.Add(ev!);
        }
        var element = events[1].Element!;

        var text = element.ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
        Assert.AreEqual(element.Name, System.Xml.Linq.XElement.Parse(text).Name);
    }

    [TestMethod]
    public void ExternalEntityIsRestrictedXml()
    {
        var xxe = "<?xml version='1.0'?><!DOCTYPE s [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>" + Header[21..] + "<message><body>&xxe;</body></message>";

        CollectionAssert.AreEqual(new[] { "error restricted-xml" }, Read(Encoding.UTF8.GetBytes(xxe), [int.MaxValue]));
    }

    [TestMethod]
    public void UndeclaredEntityInAStanzaIsNotWellFormed()
    {
        var events = Read(Encoding.UTF8.GetBytes(Header + "<message><body>&lol9;</body></message>"), [int.MaxValue]);

        Assert.AreEqual("error not-well-formed", events[^1]);
    }

    [TestMethod]
    public void PredefinedEntitiesAndCdataAreFine()
    {
        var events = Read(Encoding.UTF8.GetBytes(Header + "<message><body>&lt;a&amp;b&gt;<![CDATA[<x>]]]></body></message>"), [1]);

        Assert.AreEqual("element {jabber:server}message <a&b><x>]", events[1]);
    }

    [TestMethod]
    [DataRow("<!DOCTYPE x [<!ENTITY y 'z'>]>")]
    [DataRow("<!-- comment -->")]
    [DataRow("<?php echo 1; ?>")]
    [DataRow("<message><!-- hidden --></message>")]
    [DataRow("<message><?pi x?></message>")]
    public void RestrictedXmlInsideTheStream(string restricted)
    {
        var events = Read(Encoding.UTF8.GetBytes(Header + restricted), [1]);

        Assert.AreEqual("error restricted-xml", events[^1]);
    }

    [TestMethod]
    public void InvalidUtf8IsNotWellFormed()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "<message><body>x</body></message>");
        var body = Array.IndexOf(bytes, (byte)'x', Header.Length);
        bytes[body] = 0xC3;

        Assert.AreEqual("error not-well-formed", Read(bytes, [int.MaxValue])[^1]);
    }

    [TestMethod]
    public void MismatchedStreamCloseIsNotWellFormed()
    {
        Assert.AreEqual("error not-well-formed", Read(Encoding.UTF8.GetBytes(Header + "</stream:other>"), [int.MaxValue])[^1]);
    }

    [TestMethod]
    public void StanzaUsesPrefixesDeclaredOnTheHeader()
    {
        var events = Read(Encoding.UTF8.GetBytes(Header + "<db:result from='a.test' to='b.test'>k</db:result>"), [3]);

        Assert.AreEqual("element {jabber:server:dialback}result k", events[1]);
    }

    [TestMethod]
    public void ResetStartsANewStreamOnTheSameInput()
    {
        var reader = new XmlStreamReader(10000, 16);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(
            Header + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" + Header + "<message/>"));

        Assert.IsTrue(reader.TryRead(ref buffer, out var start));
        Assert.AreEqual(XmlStreamEventKind.StreamStart, start!.Kind);
        Assert.IsTrue(reader.TryRead(ref buffer, out var starttls));
        Assert.AreEqual("starttls", starttls!.Element!.Name.LocalName);
        reader.Reset();
        Assert.IsTrue(reader.TryRead(ref buffer, out var restarted));
        Assert.AreEqual(XmlStreamEventKind.StreamStart, restarted!.Kind);
        Assert.AreEqual("a.test", restarted.Header!.From);
        Assert.IsTrue(reader.TryRead(ref buffer, out var message));
        Assert.AreEqual(XName.Get("message", "jabber:server"), message!.Element!.Name);
    }

    [TestMethod]
    public async Task RunAsyncOverAPipeDeliversEventsFedByteByByte()
    {
        var pipe = new Pipe();
        var handler = new RecordingHandler();
        var reader = new XmlStreamReader(10000, 16);
        var run = reader.RunAsync(pipe.Reader, handler, CancellationToken.None);
        foreach (var b in Encoding.UTF8.GetBytes(Header + " <message to='b@b.test'><body>hi</body></message> </stream:stream>"))
        {
            await pipe.Writer.WriteAsync(new[] { b });
        }
        await run;

        CollectionAssert.AreEqual(new[] { "start b.test", "element hi", "end" }, handler.Events);
    }

    [TestMethod]
    public async Task RunAsyncReportsATransportCloseWithoutStreamEnd()
    {
        var pipe = new Pipe();
        var handler = new RecordingHandler();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Header + "<message"));
        await pipe.Writer.CompleteAsync();

        await new XmlStreamReader(10000, 16).RunAsync(pipe.Reader, handler, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "start b.test", "closed" }, handler.Events);
    }

    /// <summary>Feeds the bytes in chunks of the given sizes (the last size repeats) and describes each event.</summary>
    internal static List<string> Read(byte[] bytes, int[] chunks, int maxBytes = 262144, int maxDepth = 32)
    {
        var reader = new XmlStreamReader(maxBytes, maxDepth);
        var events = new List<string>();
        var pending = new List<byte>();
        var offset = 0;
        var chunk = 0;
        while (offset < bytes.Length)
        {
            var size = Math.Min(chunks[Math.Min(chunk++, chunks.Length - 1)], bytes.Length - offset);
            pending.AddRange(bytes.AsSpan(offset, size));
            offset += size;
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            while (reader.TryRead(ref buffer, out var ev))
            {
                events.Add(Describe(ev!));
            }
            pending = [.. buffer.ToArray()];
        }
        return events;
    }

    private static string Describe(XmlStreamEvent ev) => ev.Kind switch
    {
        XmlStreamEventKind.StreamStart => $"start {ev.Header!.Name} from={ev.Header.From} to={ev.Header.To} id={ev.Header.Id} version={ev.Header.Version}",
        XmlStreamEventKind.Element => $"element {ev.Element!.Name} {ev.Element.Value}".TrimEnd(),
        XmlStreamEventKind.StreamEnd => "end",
        _ => $"error {ev.ErrorCondition}",
    };

    private sealed class RecordingHandler : IXmlStreamHandler
    {
        public List<string> Events { get; } = [];

        public ValueTask OnStreamStartAsync(XmlStreamHeader header)
        {
            Events.Add("start " + header.To);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnElementAsync(XElement element)
        {
            Events.Add("element " + element.Value);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnStreamEndAsync()
        {
            Events.Add("end");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnErrorAsync(string condition, string text)
        {
            Events.Add("error " + condition);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnClosedAsync()
        {
            Events.Add("closed");
            return ValueTask.CompletedTask;
        }
    }
}

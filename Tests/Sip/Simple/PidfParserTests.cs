using System.Text;
using Bridge.Sip.Simple;

namespace Bridge.Tests.Sip.Simple;

[TestClass]
public sealed class PidfParserTests
{
    private static PidfParseResult Parse(string xml) => PidfParser.Parse(Encoding.UTF8.GetBytes(xml));

    private static PidfDocument Ok(string xml)
    {
        var r = Parse(xml);
        Assert.IsTrue(r.Success, r.Error);
        return r.Document;
    }

    [TestMethod]
    public void Rfc3863MinimalWithPrefixedNamespace()
    {
        var doc = Ok(PidfVectors.Rfc3863Minimal);
        Assert.AreEqual("pres:someone@example.com", doc.Entity);
        var t = doc.Tuples.Single();
        Assert.AreEqual("sg89ae", t.Id);
        Assert.AreEqual(PidfBasic.Open, t.Basic);
        Assert.AreEqual("tel:+09012345678", t.Contact);
        Assert.AreEqual(0.8m, t.ContactPriority);
        Assert.IsNull(doc.Person);
    }

    [TestMethod]
    public void Rfc3863ExtendedKeepsNotesPerLanguageAndSkipsUnknownExtensions()
    {
        var doc = Ok(PidfVectors.Rfc3863Extended);
        Assert.HasCount(2, doc.Tuples);
        var t = doc.Tuples[0];
        CollectionAssert.AreEqual(
            new[] { new PidfNote("Don't Disturb Please!", "en"), new PidfNote("Ne dérangez pas, s'il vous plaît", "fr") },
            t.Notes.ToArray());
        Assert.AreEqual(new DateTimeOffset(2001, 10, 27, 16, 49, 29, TimeSpan.Zero), t.Timestamp);
        Assert.IsEmpty(t.Activities);
        Assert.AreEqual(1.0m, doc.Tuples[1].ContactPriority);
        Assert.AreEqual(new PidfNote("I'll be in Tokyo next week"), doc.Notes.Single());
    }

    [TestMethod]
    public void Rfc4480ReadsPersonActivitiesDevicesAndDeviceIds()
    {
        var doc = Ok(PidfVectors.Rfc4480);
        Assert.HasCount(2, doc.Tuples);
        Assert.AreEqual("urn:device:0003ba4811e3", doc.Tuples[0].DeviceId);
        var person = doc.Person!;
        Assert.AreEqual("p1", person.Id);
        // The activities' own <rpid:note> is not an activity; the mood's <rpid:other> is not an activity either.
        CollectionAssert.AreEqual(new[] { new PidfActivity("away") }, person.Activities.ToArray());
        Assert.AreEqual(new PidfNote("Scoring 120"), person.Notes.Single());
        Assert.AreEqual(new DateTimeOffset(2005, 5, 30, 16, 9, 44, TimeSpan.FromHours(5)), person.Timestamp);
        var device = doc.Devices.Single();
        Assert.AreEqual("pc147", device.Id);
        Assert.AreEqual("urn:device:0003ba4811e3", device.DeviceId);
        Assert.AreEqual(new PidfNote("PC", "en"), device.Notes.Single());
    }

    [TestMethod]
    public void BaresipBusyWithPersonBeforeTuple()
    {
        var doc = Ok(PidfVectors.BaresipBusy);
        Assert.AreEqual("sip:alice@sip.test", doc.Entity);
        Assert.AreEqual(PidfBasic.Open, doc.Tuples.Single().Basic);
        Assert.IsNull(doc.Tuples[0].ContactPriority);
        CollectionAssert.AreEqual(new[] { new PidfActivity("busy") }, doc.Person!.Activities.ToArray());
    }

    [TestMethod]
    public void BaresipClosed()
    {
        Assert.AreEqual(PidfBasic.Closed, Ok(PidfVectors.BaresipClosed).Tuples.Single().Basic);
    }

    [TestMethod]
    public void KamailioAggregateMergesPersonsAndAcceptsNonNcNameTupleIds()
    {
        var doc = Ok(PidfVectors.KamailioAggregated);
        CollectionAssert.AreEqual(new[] { "0x7f3a1c", "a2b4c6" }, doc.Tuples.Select(t => t.Id).ToArray());
        CollectionAssert.AreEqual(new[] { new PidfActivity("on-the-phone"), new PidfActivity("other", "gardening") }, doc.Person!.Activities.ToArray());
        Assert.AreEqual("p1", doc.Person.Id);
        Assert.AreEqual(new PidfNote("On the phone"), doc.Tuples[0].Notes.Single());
    }

    [TestMethod]
    public void NoteLanguageIsInheritedFromAnAncestor()
    {
        var doc = Ok("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b' xml:lang='de'><tuple id='t'><status><basic>open</basic></status><note>Hallo</note><note xml:lang=''>none</note></tuple></presence>");
        CollectionAssert.AreEqual(new[] { new PidfNote("Hallo", "de"), new PidfNote("none") }, doc.Tuples[0].Notes.ToArray());
    }

    [TestMethod]
    public void TupleWithoutBasicHasNullBasic()
    {
        Assert.IsNull(Ok("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'><status/></tuple></presence>").Tuples[0].Basic);
    }

    [TestMethod]
    [DataRow("0", "0")]
    [DataRow("1", "1")]
    [DataRow("0.001", "0.001")]
    [DataRow(" 0.5 ", "0.5")]
    [DataRow("1.000", "1")]
    public void ContactPriorityQvalues(string text, string expected)
    {
        var doc = Ok($"<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'><status><basic>open</basic></status><contact priority='{text}'>sip:a@b</contact></tuple></presence>");
        Assert.AreEqual(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), doc.Tuples[0].ContactPriority);
    }

    [TestMethod]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf'/>", "entity")]
    [DataRow("<presence xmlns='urn:other' entity='pres:a@b'/>", "root element")]
    [DataRow("<presence entity='pres:a@b'/>", "root element")]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple><status><basic>open</basic></status></tuple></presence>", "'id'")]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'><status><basic>Open</basic></status></tuple></presence>", "open or closed")]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'><status><basic>open</basic></status><contact priority='1.5'>sip:a@b</contact></tuple></presence>", "qvalue")]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'><status><basic>open</basic></status><contact priority='-0.1'>sip:a@b</contact></tuple></presence>", "qvalue")]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'><status><basic>open</basic></status><contact priority='0.1234'>sip:a@b</contact></tuple></presence>", "qvalue")]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'><status><basic>open</basic></status><contact priority='1e-1'>sip:a@b</contact></tuple></presence>", "qvalue")]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'><status><basic>open</basic></status><timestamp>yesterday</timestamp></tuple></presence>", "xs:dateTime")]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'>", "malformed")]
    [DataRow("not xml at all", "malformed")]
    [DataRow("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'>&undeclared;</presence>", "malformed")]
    [DataRow("", "empty")]
    public void InvalidDocumentsAreRefusedWithAReason(string xml, string reason)
    {
        var r = Parse(xml);
        Assert.IsFalse(r.Success);
        Assert.Contains(reason, r.Error);
    }

    [TestMethod]
    public void DtdIsRefused()
    {
        var r = Parse("<?xml version='1.0'?><!DOCTYPE presence [<!ELEMENT presence ANY>]><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'/>");
        Assert.IsFalse(r.Success);
        Assert.Contains("DTD", r.Error);
    }

    [TestMethod]
    public void BillionLaughsIsRefused()
    {
        var xml = """
            <?xml version="1.0"?>
            <!DOCTYPE presence [
             <!ENTITY lol "lol">
             <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
             <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
             <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
             <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
            ]>
            <presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><note>&lol9;</note></presence>
            """;
        var r = Parse(xml);
        Assert.IsFalse(r.Success);
        Assert.Contains("DTD", r.Error);
    }

    [TestMethod]
    public void ExternalEntityIsRefusedAndNothingIsRead()
    {
        var secret = Path.GetTempFileName();
        try
        {
            File.WriteAllText(secret, "TOP-SECRET");
            var xml = $"""
                <?xml version="1.0"?>
                <!DOCTYPE presence [<!ENTITY xxe SYSTEM "file://{secret}">]>
                <presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><note>&xxe;</note></presence>
                """;
            var r = Parse(xml);
            Assert.IsFalse(r.Success);
            Assert.DoesNotContain("TOP-SECRET", r.Error);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [TestMethod]
    public void OversizeBodyIsRefusedBeforeParsing()
    {
        var padding = new string(' ', PidfParser.DefaultMaxBytes);
        var r = Parse("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'>" + padding + "</presence>");
        Assert.IsFalse(r.Success);
        Assert.Contains("limit", r.Error);
    }

    [TestMethod]
    public void TheLimitIsExact()
    {
        var body = Encoding.UTF8.GetBytes("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'/>");
        Assert.IsTrue(PidfParser.Parse(body, maxBytes: body.Length).Success);
        Assert.IsFalse(PidfParser.Parse(body, maxBytes: body.Length - 1).Success);
    }

    [TestMethod]
    public void DeepNestingInsideAnExtensionDoesNotThrow()
    {
        var depth = 5000;
        var xml = "<presence xmlns='urn:ietf:params:xml:ns:pidf' xmlns:x='urn:x' entity='pres:a@b'>" +
                  string.Concat(Enumerable.Repeat("<x:a>", depth)) +
                  string.Concat(Enumerable.Repeat("</x:a>", depth)) + "</presence>";
        var r = Parse(xml);
        Assert.IsTrue(r.Success, r.Error);
        Assert.IsEmpty(r.Document.Tuples);
    }

    [TestMethod]
    public void EveryTruncationOfARealDocumentIsAnErrorNotAnException()
    {
        var bytes = Encoding.UTF8.GetBytes(PidfVectors.Rfc4480.TrimEnd());
        for (var n = 0; n < bytes.Length; n++)
        {
            var r = PidfParser.Parse(bytes.AsSpan(0, n));
            Assert.IsFalse(r.Success, $"a {n}-byte prefix parsed");
        }
        Assert.IsTrue(PidfParser.Parse(bytes).Success);
    }

    [TestMethod]
    public void InvalidUtf8IsAnError()
    {
        var bytes = Encoding.UTF8.GetBytes("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><note>x</note></presence>");
        bytes[^15] = 0xC3; // an orphan lead byte inside the note
        Assert.IsFalse(PidfParser.Parse(bytes).Success);
    }
}

using System.Text;
using Bridge.Sip.Simple;

namespace Bridge.Tests.Sip.Simple;

[TestClass]
public sealed class PidfWriterTests
{
    private static PidfDocument Sample() => new(
        "sip:alice@sip.test",
        [
            new PidfTuple("ID-pc", PidfBasic.Open, "sip:alice@sip.test;gr=pc", 0.5m,
                [new PidfNote("Busy", "en"), new PidfNote("Beschäftigt <&>", "de")],
                new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
                [new PidfActivity("busy"), new PidfActivity("other", "xa")],
                "urn:device:1"),
            new PidfTuple("ID-phone", PidfBasic.Closed),
        ],
        [new PidfNote("doc note")],
        new PidfPerson("p1", [new PidfActivity("on-the-phone")], [new PidfNote("person note", "fr")]),
        [new PidfDevice("d1", "urn:device:1", [new PidfNote("PC")])]);

    [TestMethod]
    public void WritesCanonicalPidf()
    {
        var text = Encoding.UTF8.GetString(PidfWriter.Write(Sample()));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" entity=\"sip:alice@sip.test\">", text, text);
        Assert.Contains("<tuple id=\"ID-pc\"><status><basic>open</basic><rpid:activities><rpid:busy /><rpid:other>xa</rpid:other></rpid:activities></status><dm:deviceID>urn:device:1</dm:deviceID><contact priority=\"0.5\">sip:alice@sip.test;gr=pc</contact><note xml:lang=\"en\">Busy</note><note xml:lang=\"de\">Beschäftigt &lt;&amp;&gt;</note><timestamp>2026-01-02T03:04:05+00:00</timestamp></tuple>", text);
        Assert.Contains("<tuple id=\"ID-phone\"><status><basic>closed</basic></status></tuple><note>doc note</note><dm:person id=\"p1\">", text);
        // RFC 3863 §4: tuples, then notes, then extensions.
        Assert.IsLessThan(text.IndexOf("<dm:person", StringComparison.Ordinal), text.IndexOf("<note>doc note", StringComparison.Ordinal));
        Assert.IsFalse(PidfWriter.Write(Sample()).AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "no BOM");
    }

    [TestMethod]
    public void WrittenDocumentsParseBackToTheSameModel()
    {
        var original = Sample();
        var back = PidfParser.Parse(PidfWriter.Write(original));
        Assert.IsTrue(back.Success, back.Error);
        var doc = back.Document;
        Assert.AreEqual(original.Entity, doc.Entity);
        Assert.HasCount(2, doc.Tuples);
        for (var i = 0; i < 2; i++)
        {
            var (a, b) = (original.Tuples[i], doc.Tuples[i]);
            Assert.AreEqual(a.Id, b.Id);
            Assert.AreEqual(a.Basic, b.Basic);
            Assert.AreEqual(a.Contact, b.Contact);
            Assert.AreEqual(a.ContactPriority, b.ContactPriority);
            Assert.AreEqual(a.Timestamp, b.Timestamp);
            Assert.AreEqual(a.DeviceId, b.DeviceId);
            CollectionAssert.AreEqual(a.Notes.ToArray(), b.Notes.ToArray());
            CollectionAssert.AreEqual(a.Activities.ToArray(), b.Activities.ToArray());
        }
        CollectionAssert.AreEqual(original.Notes.ToArray(), doc.Notes.ToArray());
        Assert.AreEqual(original.Person!.Id, doc.Person!.Id);
        CollectionAssert.AreEqual(original.Person.Activities.ToArray(), doc.Person.Activities.ToArray());
        CollectionAssert.AreEqual(original.Person.Notes.ToArray(), doc.Person.Notes.ToArray());
        Assert.AreEqual(original.Devices[0].DeviceId, doc.Devices.Single().DeviceId);
        CollectionAssert.AreEqual(original.Devices[0].Notes.ToArray(), doc.Devices[0].Notes.ToArray());
    }

    [TestMethod]
    [DataRow("0", "priority=\"0\"")]
    [DataRow("1", "priority=\"1\"")]
    [DataRow("0.001", "priority=\"0.001\"")]
    [DataRow("0.250", "priority=\"0.25\"")]
    public void PriorityIsWrittenAsAShortQvalue(string value, string expected)
    {
        var doc = new PidfDocument("pres:a@b", [new PidfTuple("t", PidfBasic.Open, "sip:a@b", decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Contains(expected, Encoding.UTF8.GetString(PidfWriter.Write(doc)));
    }

    [TestMethod]
    [DataRow("1.001")]
    [DataRow("-0.5")]
    [DataRow("0.0005")]
    public void ANonQvaluePriorityIsAProgrammingError(string value)
    {
        var doc = new PidfDocument("pres:a@b", [new PidfTuple("t", PidfBasic.Open, "sip:a@b", decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.ThrowsExactly<ArgumentException>(() => PidfWriter.Write(doc));
    }

    [TestMethod]
    public void EmptyActivitiesAndMissingPartsAreOmitted()
    {
        var text = Encoding.UTF8.GetString(PidfWriter.Write(new PidfDocument("pres:a@b", [new PidfTuple("t", null)], Person: new PidfPerson("p"))));
        Assert.Contains("<tuple id=\"t\"><status /></tuple><dm:person id=\"p\" /></presence>", text);
    }
}

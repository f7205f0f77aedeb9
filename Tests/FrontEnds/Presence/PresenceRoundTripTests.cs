using System.Xml.Linq;
using Bridge.FrontEnds.Sip.Presence;
using Bridge.FrontEnds.Xmpp.Presence;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Sip.Simple;

namespace Bridge.Tests.FrontEnds.Presence;

/// <summary>XMPP → canonical → PIDF bytes → canonical → XMPP, as a presence would cross the bridge and come back.</summary>
[TestClass]
public sealed class PresenceRoundTripTests
{
    private static readonly ChatAddress Juliet = new("juliet", "a.test");
    private static readonly ChatAddress Romeo = new("romeo", "b.test");

    private static PresenceDocument ThroughSip(PresenceDocument doc)
    {
        var bytes = PidfWriter.Write(PidfPresenceTranslator.ToSip(doc));
        var parsed = PidfParser.Parse(bytes);
        Assert.IsTrue(parsed.Success, parsed.Error);
        return PidfPresenceTranslator.FromSip(parsed.Document, doc.Presentity);
    }

    private static PresenceDocument FromStanzas(params string[] stanzas)
    {
        var sources = stanzas.Select(s => XmppPresenceTranslator.FromXmpp(XElement.Parse(s)).Source!).ToList();
        return new PresenceDocument(Juliet, [.. sources]);
    }

    [TestMethod]
    [DataRow("<presence xmlns='jabber:server' from='juliet@a.test/balcony' to='romeo@b.test'/>")]
    [DataRow("<presence xmlns='jabber:server' from='juliet@a.test/balcony' to='romeo@b.test'><show>away</show></presence>")]
    [DataRow("<presence xmlns='jabber:server' from='juliet@a.test/balcony' to='romeo@b.test'><show>chat</show><priority>127</priority></presence>")]
    [DataRow("<presence xmlns='jabber:server' from='juliet@a.test/balcony' to='romeo@b.test'><show>dnd</show><status xml:lang='en'>Busy</status><status xml:lang='de'>Beschäftigt</status></presence>")]
    [DataRow("<presence xmlns='jabber:server' from='juliet@a.test/balcony' to='romeo@b.test' xml:lang='fr'><show>xa</show><status>En vacances</status><priority>3</priority></presence>")]
    [DataRow("<presence xmlns='jabber:server' from='juliet@a.test/home office' to='romeo@b.test' type='unavailable'><status>Bye &amp; see you</status></presence>")]
    [DataRow("<presence xmlns='jabber:server' from='juliet@a.test' to='romeo@b.test'><status>no resource</status></presence>")]
    public void OneResourceSurvivesTheRoundTrip(string stanza)
    {
        var original = FromStanzas(stanza);
        var back = ThroughSip(original);
        Assert.AreEqual(original, back);

        Assert.IsTrue(XmppPresenceTranslator.TryToXmpp(back, Romeo, out var stanzas));
        var again = XmppPresenceTranslator.FromXmpp(stanzas.Single());
        Assert.AreEqual(original.Sources[0], again.Source);
        Assert.AreEqual(XmppPresenceTranslator.FromXmpp(XElement.Parse(stanza)).From, again.From);
    }

    [TestMethod]
    public void SeveralResourcesKeepTheirOwnShowAndPriorityOrder()
    {
        var original = FromStanzas(
            "<presence xmlns='jabber:server' from='juliet@a.test/pc' to='romeo@b.test'><show>dnd</show><priority>10</priority></presence>",
            "<presence xmlns='jabber:server' from='juliet@a.test/phone' to='romeo@b.test'><show>xa</show><priority>50</priority></presence>",
            "<presence xmlns='jabber:server' from='juliet@a.test/tablet' to='romeo@b.test'><show>chat</show><priority>0</priority></presence>",
            "<presence xmlns='jabber:server' from='juliet@a.test/watch' to='romeo@b.test'><priority>1</priority></presence>",
            "<presence xmlns='jabber:server' from='juliet@a.test/laptop' to='romeo@b.test' type='unavailable'/>");
        var back = ThroughSip(original);
        Assert.AreEqual(original, back);
        Assert.AreEqual("phone", back.Aggregate!.Id);
        CollectionAssert.AreEqual(
            original.Sources.OrderByDescending(s => s.Priority).Select(s => s.Id).ToArray(),
            back.Sources.OrderByDescending(s => s.Priority).Select(s => s.Id).ToArray());
    }

    [TestMethod]
    public void NegativePriorityIsNotMappedAndComesBackAsZero()
    {
        // RFC 8048 (from memory): a negative XMPP priority MUST NOT be mapped to PIDF.
        var original = FromStanzas("<presence xmlns='jabber:server' from='juliet@a.test/pbx' to='romeo@b.test'><priority>-1</priority></presence>");
        var back = ThroughSip(original);
        Assert.AreEqual((sbyte)0, back.Sources[0].Priority);
        Assert.AreEqual(original.Sources[0] with { Priority = 0 }, back.Sources[0]);
    }

    [TestMethod]
    public void SipOriginatedActivitiesSurviveTheWayBack()
    {
        var sip = PidfParser.Parse(System.Text.Encoding.UTF8.GetBytes(Bridge.Tests.Sip.Simple.PidfVectors.KamailioAggregated));
        var canonical = PidfPresenceTranslator.FromSip(sip.Document!, new ChatAddress("bob", "sip.test"));
        Assert.AreEqual(canonical, ThroughSip(canonical));
    }
}

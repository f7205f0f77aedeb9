using System.Collections.Immutable;
using System.Xml.Linq;
using Bridge.FrontEnds.Xmpp.Presence;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;

namespace Bridge.Tests.FrontEnds.Presence;

[TestClass]
public sealed class XmppPresenceTranslatorTests
{
    private static readonly ChatAddress Juliet = new("juliet", "a.test");
    private static readonly ChatAddress Romeo = new("romeo", "b.test");

    private static XmppPresenceTranslation From(string inner, string attributes = "") =>
        XmppPresenceTranslator.FromXmpp(XElement.Parse($"<presence xmlns='jabber:server' from='juliet@a.test/balcony' to='romeo@b.test' {attributes}>{inner}</presence>"));

    [TestMethod]
    public void FromXmppReadsShowStatusPerLanguageAndPriority()
    {
        var t = From("<show>dnd</show><status>Meeting</status><status xml:lang='de'>Besprechung</status><priority>5</priority>", "xml:lang='en'");
        Assert.AreEqual(Juliet with { Resource = "balcony" }, t.From);
        Assert.AreEqual(Romeo, t.To);
        var s = t.Source!;
        Assert.AreEqual("balcony", s.Id);
        Assert.AreEqual(PresenceAvailability.Available, s.Availability);
        Assert.AreEqual(PresenceShow.DoNotDisturb, s.Show);
        Assert.AreEqual("Meeting", s.Status["en"]);
        Assert.AreEqual("Besprechung", s.Status["de"]);
        Assert.HasCount(2, s.Status);
        Assert.AreEqual((sbyte)5, s.Priority);
    }

    [TestMethod]
    [DataRow("", PresenceShow.None)]
    [DataRow("<show>away</show>", PresenceShow.Away)]
    [DataRow("<show>chat</show>", PresenceShow.Chat)]
    [DataRow("<show>dnd</show>", PresenceShow.DoNotDisturb)]
    [DataRow("<show>xa</show>", PresenceShow.ExtendedAway)]
    public void FromXmppMapsEachShow(string inner, PresenceShow expected)
    {
        Assert.AreEqual(expected, From(inner).Source!.Show);
    }

    [TestMethod]
    [DataRow("<priority>-128</priority>", (sbyte)-128)]
    [DataRow("<priority>127</priority>", (sbyte)127)]
    [DataRow("<priority> 0 </priority>", (sbyte)0)]
    [DataRow("", (sbyte)0)]
    public void FromXmppReadsPriorityInRange(string inner, sbyte expected)
    {
        Assert.AreEqual(expected, From(inner).Source!.Priority);
    }

    [TestMethod]
    public void UnavailableKeepsItsStatusAndDropsShow()
    {
        var s = From("<show>away</show><status>Gone home</status>", "type='unavailable'").Source!;
        Assert.AreEqual(PresenceAvailability.Unavailable, s.Availability);
        Assert.AreEqual(PresenceShow.None, s.Show);
        Assert.AreEqual("Gone home", s.Status[""]);
    }

    [TestMethod]
    [DataRow("subscribe")]
    [DataRow("subscribed")]
    [DataRow("unsubscribe")]
    [DataRow("unsubscribed")]
    [DataRow("probe")]
    [DataRow("error")]
    public void NonPresenceTypesAreNotPresenceInformation(string type)
    {
        var t = From("", $"type='{type}'");
        Assert.IsNull(t.Source);
        Assert.IsNull(t.ErrorCondition);
    }

    [TestMethod]
    [DataRow("<show>busy</show>", "bad-request")]
    [DataRow("<show>Away</show>", "bad-request")]
    [DataRow("<show>away</show><show>xa</show>", "bad-request")]
    [DataRow("<priority>128</priority>", "bad-request")]
    [DataRow("<priority>-129</priority>", "bad-request")]
    [DataRow("<priority>high</priority>", "bad-request")]
    [DataRow("<priority>1</priority><priority>2</priority>", "bad-request")]
    [DataRow("<status>a</status><status>b</status>", "bad-request")]
    [DataRow("<status xml:lang='en'>a</status><status xml:lang='en'>b</status>", "bad-request")]
    public void InvalidPresenceIsRefused(string inner, string condition)
    {
        var t = From(inner);
        Assert.IsNull(t.Source);
        Assert.AreEqual(condition, t.ErrorCondition);
        Assert.IsNotNull(t.ErrorText);
    }

    [TestMethod]
    public void StatusWithoutLanguageTakesTheStanzaLanguage()
    {
        var s = From("<status>Bonjour</status><status xml:lang='en'>Hello</status>", "xml:lang='fr'").Source!;
        Assert.AreEqual("Bonjour", s.Status["fr"]);
        Assert.AreEqual("Hello", s.Status["en"]);
    }

    [TestMethod]
    public void MalformedAddressesAreRefused()
    {
        Assert.AreEqual("jid-malformed", XmppPresenceTranslator.FromXmpp(XElement.Parse("<presence xmlns='jabber:server' from='a.test' to='romeo@b.test'/>")).ErrorCondition);
        Assert.AreEqual("jid-malformed", XmppPresenceTranslator.FromXmpp(XElement.Parse("<presence xmlns='jabber:server' from='juliet@a.test' to='@@'/>")).ErrorCondition);
        Assert.AreEqual("jid-malformed", XmppPresenceTranslator.FromXmpp(XElement.Parse("<presence xmlns='jabber:server' to='romeo@b.test'/>")).ErrorCondition);
    }

    [TestMethod]
    public void BareSenderGivesAnEmptySourceId()
    {
        var t = XmppPresenceTranslator.FromXmpp(XElement.Parse("<presence xmlns='jabber:server' from='juliet@a.test'/>"));
        Assert.AreEqual("", t.Source!.Id);
        Assert.IsNull(t.To);
    }

    [TestMethod]
    public void ToXmppWritesOneStanzaPerSource()
    {
        var doc = new PresenceDocument(Juliet,
        [
            new PresenceSource("balcony", PresenceAvailability.Available, PresenceShow.ExtendedAway,
                ImmutableDictionary<string, string>.Empty.Add("", "Out").Add("de", "Weg"), -3),
            PresenceSource.Offline("phone"),
            PresenceSource.Online(""),
        ]);
        Assert.IsTrue(XmppPresenceTranslator.TryToXmpp(doc, Romeo, out var stanzas));
        Assert.HasCount(3, stanzas);
        Assert.AreEqual(
            "<presence from=\"juliet@a.test/balcony\" to=\"romeo@b.test\" xmlns=\"jabber:server\"><show>xa</show><status>Out</status><status xml:lang=\"de\">Weg</status><priority>-3</priority></presence>",
            stanzas[0].ToString(SaveOptions.DisableFormatting));
        Assert.AreEqual("<presence from=\"juliet@a.test/phone\" to=\"romeo@b.test\" type=\"unavailable\" xmlns=\"jabber:server\" />", stanzas[1].ToString(SaveOptions.DisableFormatting));
        Assert.AreEqual("<presence from=\"juliet@a.test\" to=\"romeo@b.test\" xmlns=\"jabber:server\" />", stanzas[2].ToString(SaveOptions.DisableFormatting));
    }

    [TestMethod]
    [DataRow(PresenceShow.None)]
    [DataRow(PresenceShow.Away)]
    [DataRow(PresenceShow.Chat)]
    [DataRow(PresenceShow.DoNotDisturb)]
    [DataRow(PresenceShow.ExtendedAway)]
    public void ToXmppThenFromXmppIsIdentity(PresenceShow show)
    {
        var source = new PresenceSource("pc", PresenceAvailability.Available, show,
            ImmutableDictionary<string, string>.Empty.Add("en", "a & <b>").Add("", "x"), 42);
        Assert.IsTrue(XmppPresenceTranslator.TryToXmpp(source, Juliet with { Resource = "pc" }, Romeo, out var stanza));
        Assert.AreEqual(source, XmppPresenceTranslator.FromXmpp(XElement.Parse(stanza.ToString())).Source);
    }
}

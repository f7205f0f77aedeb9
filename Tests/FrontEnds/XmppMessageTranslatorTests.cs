using System.Xml.Linq;
using Bridge.FrontEnds.Xmpp;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Messages;

namespace Bridge.Tests.FrontEnds;

[TestClass]
public sealed class XmppMessageTranslatorTests
{
    private static XElement Parse(string xml) => XElement.Parse(xml);

    [TestMethod]
    public void FromXmppCarriesBodySubjectLanguageThreadAndType()
    {
        var stanza = Parse("<message xmlns='jabber:server' from='alice@a.test/pc' to='bob@b.test' id='m1' type='chat' xml:lang='fr'>" +
                           "<subject>Salut</subject><body>Bonjour Bob</body><thread>t-42</thread></message>");
        var m = XmppMessageTranslator.FromXmpp(stanza).Message;
        Assert.IsNotNull(m);
        Assert.AreEqual("m1", m.Id);
        Assert.AreEqual(new ChatAddress("alice", "a.test", "pc"), m.From);
        Assert.AreEqual(new ChatAddress("bob", "b.test"), m.To);
        Assert.AreEqual("Bonjour Bob", m.Body);
        Assert.AreEqual("Salut", m.Subject);
        Assert.AreEqual("fr", m.Language);
        Assert.AreEqual("t-42", m.Thread);
        Assert.AreEqual(MessageKind.Chat, m.Kind);
    }

    [TestMethod]
    public void FromXmppPicksTheBodyInTheStanzaLanguage()
    {
        var stanza = Parse("<message xmlns='jabber:server' from='alice@a.test' to='bob@b.test' xml:lang='de'>" +
                           "<body xml:lang='en'>Hello</body><body>Hallo</body></message>");
        var m = XmppMessageTranslator.FromXmpp(stanza).Message!;
        Assert.AreEqual("Hallo", m.Body);
        Assert.AreEqual("de", m.Language);
        Assert.AreEqual(MessageKind.Normal, m.Kind);
    }

    [TestMethod]
    public void FromXmppUnescapesTheLocalpart()
    {
        var stanza = Parse("<message xmlns='jabber:server' from='d\\27artagnan@a.test' to='bob@b.test'><body>x</body></message>");
        Assert.AreEqual("d'artagnan", XmppMessageTranslator.FromXmpp(stanza).Message!.From.Local);
    }

    [TestMethod]
    public void BodylessMessagesAreNotBridged()
    {
        var stanza = Parse("<message xmlns='jabber:server' from='alice@a.test' to='bob@b.test'><active xmlns='http://jabber.org/protocol/chatstates'/></message>");
        var t = XmppMessageTranslator.FromXmpp(stanza);
        Assert.IsNull(t.Message);
        Assert.IsNull(t.ErrorCondition);
    }

    [TestMethod]
    public void AMessageToADomainIsRefusedAsMalformed()
    {
        var stanza = Parse("<message xmlns='jabber:server' from='alice@a.test' to='b.test'><body>x</body></message>");
        Assert.AreEqual("jid-malformed", XmppMessageTranslator.FromXmpp(stanza).ErrorCondition);
    }

    [TestMethod]
    public void ToXmppWritesTheStanzaAndRoundTrips()
    {
        var original = new InstantMessage("id9", new ChatAddress("bob", "b.test"), new ChatAddress("alice", "a.test"), "Hi <there> & co",
            Subject: "S", Language: "en", Thread: "th", Kind: MessageKind.Chat);
        Assert.IsTrue(XmppMessageTranslator.TryToXmpp(original, out var stanza));
        Assert.AreEqual("jabber:server", stanza.Name.NamespaceName);
        Assert.AreEqual("bob@b.test", (string?)stanza.Attribute("from"));
        Assert.AreEqual("alice@a.test", (string?)stanza.Attribute("to"));
        Assert.AreEqual("chat", (string?)stanza.Attribute("type"));
        Assert.AreEqual("en", (string?)stanza.Attribute(XNamespace.Xml + "lang"));
        var back = XmppMessageTranslator.FromXmpp(XElement.Parse(stanza.ToString())).Message;
        Assert.AreEqual(original, back);
    }
}

using System.Xml.Linq;
using Bridge.Xmpp;

namespace Bridge.Tests.Xmpp;

[TestClass]
public sealed class StanzaErrorsTests
{
    private static readonly XNamespace S = "jabber:server";
    private static readonly XNamespace E = "urn:ietf:params:xml:ns:xmpp-stanzas";

    // RFC 6120 §8.3.3.1 - §8.3.3.22.
    [TestMethod]
    [DataRow("bad-request", "modify")]
    [DataRow("conflict", "cancel")]
    [DataRow("feature-not-implemented", "cancel")]
    [DataRow("forbidden", "auth")]
    [DataRow("gone", "cancel")]
    [DataRow("internal-server-error", "cancel")]
    [DataRow("item-not-found", "cancel")]
    [DataRow("jid-malformed", "modify")]
    [DataRow("not-acceptable", "modify")]
    [DataRow("not-allowed", "cancel")]
    [DataRow("not-authorized", "auth")]
    [DataRow("policy-violation", "modify")]
    [DataRow("recipient-unavailable", "wait")]
    [DataRow("redirect", "modify")]
    [DataRow("registration-required", "auth")]
    [DataRow("remote-server-not-found", "cancel")]
    [DataRow("remote-server-timeout", "wait")]
    [DataRow("resource-constraint", "wait")]
    [DataRow("service-unavailable", "cancel")]
    [DataRow("subscription-required", "auth")]
    [DataRow("undefined-condition", "cancel")]
    [DataRow("unexpected-request", "wait")]
    public void ReplyCarriesTheDefaultTypeOfTheCondition(string condition, string type)
    {
        var reply = StanzaErrors.CreateErrorReply(new XElement(S + "iq", new XAttribute("type", "get"), new XAttribute("id", "q1")), condition);
        var error = reply.Element(S + "error")!;
        Assert.AreEqual(type, (string?)error.Attribute("type"));
        Assert.IsNotNull(error.Element(E + condition));
        Assert.AreEqual(22, StanzaErrors.DefaultTypes.Count);
    }

    [TestMethod]
    public void MessageReplySwapsAddressesKeepsIdAndPayload()
    {
        var message = new XElement(S + "message",
            new XAttribute("from", "alice@a.test/phone"), new XAttribute("to", "bob@b.test"),
            new XAttribute("id", "m1"), new XAttribute("type", "chat"),
            new XElement(S + "body", "hello"));

        var reply = StanzaErrors.CreateErrorReply(message, "service-unavailable", "bob is away");

        Assert.AreEqual(S + "message", reply.Name);
        Assert.AreEqual("bob@b.test", (string?)reply.Attribute("from"));
        Assert.AreEqual("alice@a.test/phone", (string?)reply.Attribute("to"));
        Assert.AreEqual("m1", (string?)reply.Attribute("id"));
        Assert.AreEqual("error", (string?)reply.Attribute("type"));
        Assert.AreEqual("hello", reply.Element(S + "body")?.Value);
        var text = reply.Element(S + "error")!.Element(E + "text")!;
        Assert.AreEqual("bob is away", text.Value);
        Assert.AreEqual("en", (string?)text.Attribute(XNamespace.Xml + "lang"));
    }

    [TestMethod]
    public void IqReplyCarriesOnlyTheError()
    {
        var iq = new XElement(S + "iq", new XAttribute("from", "a@a.test"), new XAttribute("to", "b.test"),
            new XAttribute("id", "q"), new XAttribute("type", "get"), new XElement(XNamespace.Get("jabber:iq:version") + "query"));

        var reply = StanzaErrors.CreateErrorReply(iq, "feature-not-implemented");

        Assert.AreEqual(1, reply.Elements().Count());
        Assert.IsNull(reply.Element(S + "error")!.Element(E + "text"));
    }

    [TestMethod]
    public void ReadReturnsConditionTypeAndText()
    {
        var stanza = XElement.Parse("""
            <message xmlns='jabber:server' type='error' from='b.test' to='a@a.test'>
              <error type='wait'><remote-server-timeout xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
                <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>no route</text></error>
            </message>
            """);

        var read = StanzaErrors.Read(stanza);

        Assert.AreEqual(("remote-server-timeout", "wait", "no route"), read);
    }

    [TestMethod]
    public void ReadRoundTripsCreate()
    {
        var reply = StanzaErrors.CreateErrorReply(new XElement(S + "presence", new XAttribute("to", "x@y")), "forbidden", "no");
        Assert.AreEqual(("forbidden", "auth", "no"), StanzaErrors.Read(reply));
    }

    [TestMethod]
    public void ReadOfAStanzaWithoutErrorIsNull()
    {
        Assert.IsNull(StanzaErrors.Read(new XElement(S + "message", new XElement(S + "body", "x"))));
    }
}

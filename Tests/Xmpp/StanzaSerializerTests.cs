using System.Buffers;
using System.Text;
using System.Xml.Linq;
using Bridge.Xmpp.Xml;

namespace Bridge.Tests.Xmpp;

/// <summary>XmppChannel used to send <c>XElement.ToString(...)</c> as UTF-8; StanzaSerializer must write the same bytes.</summary>
[TestClass]
public sealed class StanzaSerializerTests
{
    private static readonly XNamespace Server = "jabber:server";
    private static readonly XNamespace Stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";

    public static IEnumerable<object[]> Stanzas_() =>
    [
        [new XElement(Server + "message", new XAttribute("from", "alice@a.test/r"), new XAttribute("to", "bob@b.test"),
            new XAttribute("type", "chat"), new XAttribute("id", "x&y'\"<>"),
            new XElement(Server + "body", "héllo <&> \"quoted\" 'single' \u2603 \U0001F600 tab\tnl\ncr\r"))],
        [new XElement(Server + "message", new XAttribute("type", "error"),
            new XElement(Server + "error", new XAttribute("type", "cancel"),
                new XElement(Stanzas + "service-unavailable"),
                new XElement(Stanzas + "text", new XAttribute(XNamespace.Xml + "lang", "en"), "no such user"),
                new XElement(Server + "body", "x")))],
        [XElement.Parse("<presence xmlns='jabber:server' from='a@a.test'><status>away</status><x xmlns='vcard-temp:x:update'><photo/></x><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/></presence>")],
        [XElement.Parse("<db:result xmlns:db='jabber:server:dialback' from='a.test' to='b.test'>abc123</db:result>")],
    ];

    [TestMethod]
    [DynamicData(nameof(Stanzas_))]
    public void SameBytesAsToString(XElement stanza)
    {
        var expected = Encoding.UTF8.GetBytes(stanza.ToString(SaveOptions.DisableFormatting | SaveOptions.OmitDuplicateNamespaces));
        var output = new ArrayBufferWriter<byte>();

        StanzaSerializer.Write(stanza, output);

        Assert.AreEqual(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(output.WrittenSpan));
        CollectionAssert.AreEqual(expected, output.WrittenSpan.ToArray());
    }
}

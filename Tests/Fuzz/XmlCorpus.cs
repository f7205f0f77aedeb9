using System.Text;
using Bridge.Tests.Xmpp;

namespace Bridge.Tests.Fuzz;

/// <summary>XML seeds: the recorded Prosody s2s stream plus typical stanzas after a stream header.</summary>
internal static class XmlCorpus
{
    private const string Header =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
        + "xmlns:stream='http://etherx.jabber.org/streams' from='a.test' to='b.test' version='1.0' xml:lang='en'>";

    private static readonly string[] Streams =
    [
        ProsodyConversation.Inbound,
        Header
            + "<message from='alice@a.test/pc' to='bob@b.test' type='chat' id='m1' xml:lang='fr'><subject>Hi</subject>"
            + "<body>Salut</body><body xml:lang='en'>Hello</body><thread>t1</thread></message>\n"
            + "<presence from='alice@a.test/pc' to='bob@b.test'><show>away</show><status>out</status><priority>5</priority></presence>"
            + "<iq type='get' id='v1' from='alice@a.test/pc' to='b.test'><query xmlns='jabber:iq:version'/></iq></stream:stream>",
        Header
            + "<db:result from='a.test' to='b.test'>6029d1d263b6</db:result>  "
            + "<db:verify from='a.test' to='b.test' id='i1' type='valid'/></stream:stream>",
        "\uFEFF" + Header
            + "<message from='c\\20d@a.test' to='x\\40y@b.test'><body>&lt;&amp;&gt;&quot;&apos;&#x41;&#66; h\u00e9llo \ud83d\ude00"
            + "<![CDATA[<not a tag> & ]] ]]></body></message>",
        Header
            + "<message to='bob@b.test' from='alice@a.test'><body>plain</body><html xmlns='http://jabber.org/protocol/xhtml-im'>"
            + "<body xmlns='http://www.w3.org/1999/xhtml'><p><span style='x'><em><strong>deep</strong></em></span></p></body></html></message>",
        "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' to='b.test' version='1.0'>"
            + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
            + "<dialback xmlns='urn:xmpp:features:dialback'><errors/></dialback></stream:features>",
        "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'/>",
        Header
            + "<message type='error' from='bob@b.test' to='alice@a.test/pc'><error type='cancel'>"
            + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message> \r\n </stream:stream>",
    ];

    public static IReadOnlyList<byte[]> Load() => [.. Streams.Select(Encoding.UTF8.GetBytes)];
}

using System.Text;
using System.Xml.Linq;
using Bridge.Xmpp.Dialback;
using Bridge.Xmpp.Xml;

namespace Bridge.Tests.Xmpp;

/// <summary>
/// Hostile bytes from a raw TCP peer to the real <see cref="Bridge.Xmpp.XmppServer"/>: each gets the exact RFC 6120
/// §4.9.3 stream error and its stream is closed, while a second, authenticated peer stream on the same server
/// keeps delivering stanzas before and after.
/// </summary>
[TestClass]
public sealed class XmppHostileInputTests
{
    private static readonly XNamespace S = "jabber:server";

    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private const string Declaration = "<?xml version='1.0'?>";

    private static string Header(string to = "b.test", string content = "jabber:server", string streams = "http://etherx.jabber.org/streams", string version = "1.0") =>
        $"<stream:stream xmlns='{content}' xmlns:db='jabber:server:dialback' xmlns:stream='{streams}' from='a.test' to='{to}' version='{version}'>";

    private const string BillionLaughs =
        "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
        + "<!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>"
        + "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]>";

    private const string ExternalEntity = "<!DOCTYPE s [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>";

    private static string Nested(int depth) =>
        "<message from='x@a.test' to='bob@b.test'>" + string.Concat(Enumerable.Repeat("<x xmlns='urn:deep'>", depth)) + string.Concat(Enumerable.Repeat("</x>", depth)) + "</message>";

    /// <summary>(what, bytes after the connection opens, whether a valid stream header precedes them, expected condition).</summary>
    public static IEnumerable<object[]> Cases =>
    [
        ["billion laughs before the header", Declaration + BillionLaughs + Header() + "<message>&lol3;</message>", false, "restricted-xml"],
        ["external entity before the header", Declaration + ExternalEntity + Header() + "<message>&xxe;</message>", false, "restricted-xml"],
        ["DTD inside the stream", BillionLaughs, true, "restricted-xml"],
        ["undeclared entity in a stanza", "<message from='x@a.test' to='bob@b.test'><body>&xxe;</body></message>", true, "not-well-formed"],
        ["comment", "<!-- hi -->", true, "restricted-xml"],
        ["processing instruction", "<?evil x?>", true, "restricted-xml"],
        ["mismatched tags", "<message><body></message>", true, "not-well-formed"],
        ["invalid UTF-8", "<message><body>\u0080</body></message>", true, "not-well-formed"],
        ["too deep", Nested(40), true, "policy-violation"],
        ["too large", "<message from='x@a.test' to='bob@b.test'><body>" + new string('a', 300_000) + "</body></message>", true, "policy-violation"],
        ["client namespace", Header(content: "jabber:client"), false, "invalid-namespace"],
        ["wrong stream namespace", Header(streams: "urn:not-streams"), false, "invalid-namespace"],
        ["foreign host", Header(to: "c.test"), false, "host-unknown"],
        ["version 2.0", Header(version: "2.0"), false, "unsupported-version"],
        ["latin-1 declaration", "<?xml version='1.0' encoding='ISO-8859-1'?>" + Header(), false, "unsupported-encoding"],
        ["unknown element", "<iq-like xmlns='urn:other'/>", true, "unsupported-stanza-type"],
        ["stanza before dialback", "<message from='x@a.test' to='bob@b.test'><body>early</body></message>", true, "not-authorized"],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public async Task HostileInputGetsItsStreamErrorAndOtherPeersGoOn(string what, string hostile, bool afterHeader, string condition)
    {
        await using var pair = await XmppServerTests.StartPairAsync();
        var ct = Guard();
        await using var good = await AuthenticatedPeerAsync(pair, ct);
        await good.SendAsync("<message from='x@a.test' to='bob@b.test' id='before'><body>before</body></message>", ct);
        await pair.FirstAtB.Task.WaitAsync(ct);

        await using var bad = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);
        if (afterHeader)
        {
            await bad.OpenAsync("a.test", "b.test", ct);
        }
        // The invalid UTF-8 case goes out as a lone continuation byte: Latin-1 keeps U+0080 as the byte 0x80.
        await bad.SendAsync(what == "invalid UTF-8" ? Encoding.Latin1.GetBytes(hostile) : Encoding.UTF8.GetBytes(hostile), ct);

        Assert.AreEqual(condition, await bad.ReadStreamErrorAsync(ct), what);
        var next = await bad.NextAsync(ct);
        Assert.IsTrue(next is null || next.Kind == XmlStreamEventKind.StreamEnd, $"{what}: only the stream end follows the error, got {next}");
        Assert.IsNull(next is null ? null : await bad.NextAsync(ct), $"{what}: the connection is closed after the error");

        await good.SendAsync("<message from='x@a.test' to='bob@b.test' id='after'><body>after</body></message>", ct);
        await WaitForAsync(pair, "after", ct);
        lock (pair.ReceivedByB)
        {
            CollectionAssert.AreEqual(new[] { "before", "after" }, pair.ReceivedByB.Select(m => (string?)m.Attribute("id")).ToArray(), what);
        }
    }

    private static async Task<RawS2SClient> AuthenticatedPeerAsync(XmppServerTests.Pair pair, CancellationToken ct)
    {
        var peer = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);
        var id = await peer.OpenAsync("a.test", "b.test", ct);
        // Server A holds SecretA, so as the authoritative server it confirms this key to B (XEP-0220 §2.2).
        await peer.SendAsync($"<db:result from='a.test' to='b.test'>{new DialbackKey(XmppServerTests.SecretA).Generate("b.test", "a.test", id)}</db:result>", ct);
        Assert.AreEqual("valid", (string?)(await peer.NextElementAsync(ct)).Attribute("type"));
        return peer;
    }

    private static async Task WaitForAsync(XmppServerTests.Pair pair, string id, CancellationToken ct)
    {
        while (true)
        {
            lock (pair.ReceivedByB)
            {
                if (pair.ReceivedByB.Any(m => (string?)m.Attribute("id") == id))
                {
                    return;
                }
            }
            await Task.Delay(10, ct);
        }
    }
}

using System.Xml.Linq;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Xmpp;

namespace Bridge.Tests.FrontEnds.Xmpp.Presence;

/// <summary>
/// A privacy class (one document for several watchers, from delegated fan-out) towards a.test: one XEP-0033
/// copy with bcc addresses when a.test advertises multicast in disco#info, one stanza per watcher otherwise.
/// </summary>
public sealed partial class XmppPresenceFrontEndTests
{
    private static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";
    private static readonly XNamespace Address = "http://jabber.org/protocol/address";
    private static readonly ChatAddress Carol = new("carol", "a.test");
    private static readonly ChatAddress Dan = new("dan", "a.test");

    private Task<Bridge.Mapping.Errors.DeliveryResult> NotifyClassAsync(string note, params ChatAddress[] watchers) =>
        _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Notify, Bob, watchers[0],
            new PresenceDocument(Bob, [PresenceSource.Online("desk") with { Status = Texts(("", note)) }]), Recipients: [.. watchers]), Guard());

    /// <summary>Reads <paramref name="count"/> stanzas at a.test, answering the bridge's disco#info with <paramref name="features"/>.</summary>
    private async Task<List<XElement>> AtProsodyAnsweringDiscoAsync(int count, params string[] features)
    {
        var presences = new List<XElement>();
        var answered = false;
        while (presences.Count < count || !answered)
        {
            var stanza = await AtProsodyAsync();
            if (stanza.Name.LocalName != "iq")
            {
                presences.Add(stanza);
                continue;
            }
            Assert.AreEqual("get", (string?)stanza.Attribute("type"));
            Assert.AreEqual("a.test", (string?)stanza.Attribute("to"), "asked of the watchers' domain");
            Assert.AreEqual("b.test", (string?)stanza.Attribute("from"));
            Assert.IsNotNull(stanza.Element(DiscoInfo + "query"), stanza.ToString());
            await ProsodySendsAsync(new XElement(S + "iq", new XAttribute("type", "result"), new XAttribute("id", (string)stanza.Attribute("id")!),
                new XAttribute("from", "a.test"), new XAttribute("to", "b.test"),
                new XElement(DiscoInfo + "query", new XElement(DiscoInfo + "identity", new XAttribute("category", "server"), new XAttribute("type", "im")),
                    features.Select(f => new XElement(DiscoInfo + "feature", new XAttribute("var", f))))));
            answered = true;
        }
        return presences;
    }

    private async Task AssertNothingMoreAtProsodyAsync()
    {
        await Task.Delay(200);
        Assert.IsFalse(_atProsody.Reader.TryRead(out var extra), extra?.ToString());
    }

    [TestMethod]
    public async Task AClassGoesAsOneBccCopyToAPeerThatAdvertisesMulticast()
    {
        // Until a.test has answered, per watcher: nobody waits for discovery.
        Assert.IsTrue((await NotifyClassAsync("first", Alice, Carol, Dan)).Delivered);
        var first = await AtProsodyAnsweringDiscoAsync(3, "http://jabber.org/protocol/disco#info", XmppMulticastDiscovery.AddressFeature);
        CollectionAssert.AreEquivalent(new[] { "alice@a.test", "carol@a.test", "dan@a.test" }, first.Select(s => (string?)s.Attribute("to")).ToArray());
        Assert.IsTrue(await _frontEnd.Multicast.DiscoverAsync("b.test", "a.test"));

        Assert.IsTrue((await NotifyClassAsync("second", Alice, Carol, Dan)).Delivered);
        var copy = await AtProsodyAsync();
        Assert.AreEqual("presence", copy.Name.LocalName);
        Assert.AreEqual("a.test", (string?)copy.Attribute("to"), "XEP-0033: addressed to the multicast service, the watchers' server");
        Assert.AreEqual("bob@b.test/desk", (string?)copy.Attribute("from"));
        Assert.AreEqual("second", (string?)copy.Element(S + "status"));
        var addresses = copy.Element(Address + "addresses")!.Elements(Address + "address").ToList();
        Assert.IsTrue(addresses.All(a => (string?)a.Attribute("type") == "bcc"), "watchers must not see each other");
        CollectionAssert.AreEquivalent(new[] { "alice@a.test", "carol@a.test", "dan@a.test" }, addresses.Select(a => (string?)a.Attribute("jid")).ToArray());
        await AssertNothingMoreAtProsodyAsync();
    }

    [TestMethod]
    public async Task AWatcherThatSawMoreGetsItsOwnStanzasBesideTheCopy()
    {
        Assert.IsTrue((await NotifyClassAsync("first", Alice, Carol, Dan)).Delivered);
        await AtProsodyAnsweringDiscoAsync(3, XmppMulticastDiscovery.AddressFeature);
        Assert.IsTrue(await _frontEnd.Multicast.DiscoverAsync("b.test", "a.test"));
        // Alice alone was shown bob's laptop (say, by a probe answer): only she needs it retracted.
        await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Notify, Bob, Alice,
            new PresenceDocument(Bob, [PresenceSource.Online("desk"), PresenceSource.Online("laptop")])), Guard());
        await AtProsodyAsync();
        await AtProsodyAsync();

        Assert.IsTrue((await NotifyClassAsync("second", Alice, Carol, Dan)).Delivered);
        var stanzas = new[] { await AtProsodyAsync(), await AtProsodyAsync(), await AtProsodyAsync() };
        await AssertNothingMoreAtProsodyAsync();
        var copy = stanzas.Single(s => (string?)s.Attribute("to") == "a.test");
        CollectionAssert.AreEquivalent(new[] { "carol@a.test", "dan@a.test" },
            copy.Element(Address + "addresses")!.Elements(Address + "address").Select(a => (string?)a.Attribute("jid")).ToArray());
        var alice = stanzas.Where(s => (string?)s.Attribute("to") == "alice@a.test").ToList();
        Assert.HasCount(2, alice);
        Assert.IsTrue(alice.Any(s => (string?)s.Attribute("from") == "bob@b.test/laptop" && (string?)s.Attribute("type") == "unavailable"));
    }

    [TestMethod]
    public async Task AClassGoesPerWatcherToAPeerWithoutMulticast()
    {
        Assert.IsTrue((await NotifyClassAsync("first", Alice, Carol, Dan)).Delivered);
        await AtProsodyAnsweringDiscoAsync(3, "http://jabber.org/protocol/disco#info", "urn:xmpp:ping");
        Assert.IsFalse(await _frontEnd.Multicast.DiscoverAsync("b.test", "a.test"));

        Assert.IsTrue((await NotifyClassAsync("second", Alice, Carol, Dan)).Delivered);
        var stanzas = new[] { await AtProsodyAsync(), await AtProsodyAsync(), await AtProsodyAsync() };
        CollectionAssert.AreEquivalent(new[] { "alice@a.test", "carol@a.test", "dan@a.test" }, stanzas.Select(s => (string?)s.Attribute("to")).ToArray());
        Assert.IsTrue(stanzas.All(s => s.Element(Address + "addresses") is null && (string?)s.Element(S + "status") == "second"));
        await AssertNothingMoreAtProsodyAsync();
    }

    [TestMethod]
    public async Task AnEventForOneWatcherNeverAsksForMulticast()
    {
        Assert.IsTrue((await NotifyClassAsync("only", Alice)).Delivered);
        Assert.AreEqual("alice@a.test", (string?)(await AtProsodyAsync()).Attribute("to"));
        await AssertNothingMoreAtProsodyAsync();
    }
}

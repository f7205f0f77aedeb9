using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Presence;

namespace Bridge.Tests.FrontEnds.Sip.Presence;

/// <summary>
/// Authorization migration: with DelegatedAuthorization on the peering, XMPP watchers of bob share one SIP
/// subscription and each gets the view bob's pres-rules allow.
/// </summary>
public sealed partial class SipPresenceFrontEndTests
{
    private static readonly ChatAddress Dan = new("dan", "a.test");
    private static readonly ChatAddress Eve = new("eve", "a.test");
    private const string BusyPidf = "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" entity=\"sip:bob@b.test\"><tuple id=\"t1\"><status><basic>open</basic></status><note>Secret meeting</note></tuple><dm:person id=\"p\"><rpid:activities><rpid:busy/></rpid:activities></dm:person></presence>";

    private string DelegateWithRules(string rules)
    {
        var folder = Directory.CreateTempSubdirectory("bridge-rules-").FullName;
        File.WriteAllText(Path.Combine(folder, "bob@b.test.xml"), rules);
        _config.Swap(_config.Current with
        {
            Peerings = [.. _config.Current.Peerings.Select(p => p with { DelegatedAuthorization = true })],
            Presence = new PresenceSettings([], null, folder),
        });
        return folder;
    }

    private const string BobsRules = """
        <cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy" xmlns:pr="urn:ietf:params:xml:ns:pres-rules">
          <cr:rule id="colleagues"><cr:conditions><cr:identity><cr:many domain="a.test"><cr:except id="xmpp:eve@a.test"/></cr:many></cr:identity></cr:conditions>
            <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
            <cr:transformations><pr:provide-activities>true</pr:provide-activities></cr:transformations></cr:rule>
          <cr:rule id="alice"><cr:conditions><cr:identity><cr:one id="sip:alice@a.test"/></cr:identity></cr:conditions>
            <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
            <cr:transformations><pr:provide-note>true</pr:provide-note></cr:transformations></cr:rule>
        </cr:ruleset>
        """;

    [TestMethod]
    public async Task DelegatedWatchersShareOneSubscriptionAndEachSeesWhatTheRulesAllow()
    {
        var folder = DelegateWithRules(BobsRules);
        try
        {
            Assert.IsTrue((await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob), _cts.Token)).Delivered);
            var shared = await NextAsync("SUBSCRIBE");
            Assert.AreEqual("sip:delegated-presence@a.test", shared.From!.Uri, "the domain's relay subscribes, not alice");
            Assert.IsTrue((await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, Dan, Bob), _cts.Token)).Delivered);
            Assert.IsTrue((await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, Eve, Bob), _cts.Token)).Delivered);
            Assert.IsFalse(_received.Reader.TryRead(out _), "one SIP subscription for every watcher of bob");
            Assert.AreEqual(new PresenceEvent(PresenceEventKind.Unsubscribed, Bob, Eve, Reason: "blocked by the presentity's rules"), Routed().Single());

            Assert.AreEqual(200, (await PeerNotifiesAsync(shared, 1, "active;expires=3600", BusyPidf)).StatusCode);
            var routed = Routed();
            Assert.AreEqual(2, routed.Count(e => e.Kind == PresenceEventKind.Subscribed));
            var alice = routed.Single(e => e.Kind == PresenceEventKind.Notify && e.To == Alice).Document!.Sources.Single();
            var dan = routed.Single(e => e.Kind == PresenceEventKind.Notify && e.To == Dan).Document!.Sources.Single();
            Assert.AreEqual("Secret meeting", alice.Status[""], "alice may see notes");
            Assert.AreEqual(PresenceShow.DoNotDisturb, alice.Show);
            Assert.IsEmpty(dan.Status, "dan may not see notes");
            Assert.AreEqual(PresenceShow.DoNotDisturb, dan.Show, "dan may see activities");
            Assert.IsFalse(routed.Any(e => e.To == Eve && e.Kind != PresenceEventKind.Unsubscribed));

            // A later watcher gets the shared document at once, without another SUBSCRIBE.
            var carl = new ChatAddress("carl", "a.test");
            await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, carl, Bob), _cts.Token);
            Assert.IsTrue(Routed().Any(e => e.Kind == PresenceEventKind.Notify && e.To == carl && e.Document!.IsAvailable));
            Assert.IsFalse(_received.Reader.TryRead(out _));

            // The last watcher to leave ends the shared subscription.
            foreach (var w in new[] { Alice, Dan, carl })
            {
                await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Unsubscribe, w, Bob), _cts.Token);
            }
            Assert.AreEqual("0", (await NextAsync("SUBSCRIBE")).Headers["Expires"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task TheFanOutIsOneEventPerPrivacyClass()
    {
        var folder = DelegateWithRules(BobsRules);
        try
        {
            var carl = new ChatAddress("carl", "a.test");
            foreach (var watcher in new[] { Alice, Dan, carl })
            {
                await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, watcher, Bob), _cts.Token);
            }
            var shared = await NextAsync("SUBSCRIBE");
            Assert.AreEqual(200, (await PeerNotifiesAsync(shared, 1, "active;expires=3600", BusyPidf)).StatusCode);

            var notifies = Routed().Where(e => e.Kind == PresenceEventKind.Notify).ToList();
            Assert.HasCount(2, notifies, "alice (note) is a class of her own; dan and carl (activities) share one");
            var alice = notifies.Single(e => e.To == Alice);
            Assert.IsTrue(alice.Recipients.IsEmpty);
            Assert.AreEqual("Secret meeting", alice.Document!.Sources.Single().Status[""]);
            var colleagues = notifies.Single(e => e.To != Alice);
            CollectionAssert.AreEquivalent(new[] { Dan, carl }, colleagues.Recipients.ToArray());
            Assert.AreEqual(Dan.Domain, colleagues.To.Domain);
            Assert.IsEmpty(colleagues.Document!.Sources.Single().Status, "the class's view hides the note");
            Assert.AreEqual(PresenceShow.DoNotDisturb, colleagues.Document.Sources.Single().Show);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task DelegatedWatchersComeBackAfterARestartOnOneSharedSubscription()
    {
        var folder = DelegateWithRules(BobsRules);
        try
        {
            await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob), _cts.Token);
            await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, Dan, Bob), _cts.Token);
            await NextAsync("SUBSCRIBE");

            await StartBridgeAsync(); // a second bridge over the same store
            var again = await NextAsync("SUBSCRIBE");
            Assert.AreEqual("sip:delegated-presence@a.test", again.From!.Uri);
            _xmpp.Presence.Clear();
            Assert.AreEqual(200, (await PeerNotifiesAsync(again, 1, "active;expires=3600", BusyPidf)).StatusCode);
            var notified = Routed().Where(e => e.Kind == PresenceEventKind.Notify).Select(e => e.To).ToList();
            CollectionAssert.AreEquivalent(new[] { Alice, Dan }, notified);
            Assert.IsFalse(Routed().Any(e => e.Kind == PresenceEventKind.Subscribed), "their servers already hold the subscription");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// Self-checks of the presence side of the harness against the real peers, without the bridge:
/// Kamailio's presence server takes bob's PUBLISH and NOTIFYs a watcher, and the slixmpp
/// client's presence and subscription commands and events work against Prosody. If these fail,
/// PresenceTests failures say nothing about the bridge.
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class PresenceHarnessTests
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    private PeerServers? _peers;

    public TestContext TestContext { get; set; } = null!;

    private PeerServers Peers => _peers ?? throw new InvalidOperationException("peers not started");

    private string LogDirectory => Path.Combine(Peers.WorkDirectory, "clients");

    [TestInitialize]
    public async Task StartPeers()
    {
        InteropEnvironment.RequirePeers();
        _peers = await PeerServers.StartAsync(InteropEnvironment.CreateRunDirectory("presence-harness"));
        Directory.CreateDirectory(LogDirectory);
        TestContext.WriteLine(_peers.ToString());
    }

    [TestCleanup]
    public async Task StopPeers()
    {
        if (_peers is not null)
        {
            await _peers.DisposeAsync();
        }
    }

    // RFC 4662 at the peer alone: Kamailio's rls serves friends@b.test (peers/kamailio-rls-services.xml) and
    // answers a list subscription with multipart/related RLMI carrying bob's PIDF.
    [TestMethod]
    public async Task KamailioServesTheFriendsListWithRlmiAndMemberPidf()
    {
        var sip = new SipTestClient(LogDirectory);
        var published = await sip.PublishAsync(new SipPublication(TestAccounts.Bob, TestAccounts.BobPassword, "Listed and busy", Activity: "busy"));
        Assert.AreEqual(200, published.FinalStatus, published.ToString());

        await using var carol = await sip.StartSubscriberAsync(new SipSubscription(TestAccounts.CarolUri, "sip:friends@b.test",
            TestAccounts.Carol, TestAccounts.CarolPassword) { LocalAddress = IPAddress.Parse("127.0.0.3"), EventList = true });

        var withBob = await carol.WaitForNotifyAsync(n => n.Body.Contains("Listed and busy", StringComparison.Ordinal), EventTimeout);
        Assert.IsNotNull(withBob, Diagnostics(carol.Diagnostics()));
        StringAssert.StartsWith(withBob.Header("Content-Type"), "multipart/related", withBob.ToString());
        StringAssert.Contains(withBob.Header("Content-Type"), "application/rlmi+xml", withBob.ToString());
        StringAssert.Contains(withBob.Body, "urn:ietf:params:xml:ns:rlmi", withBob.ToString());
        StringAssert.Contains(withBob.Body, "sip:bob@b.test", withBob.ToString());
        Assert.AreEqual("eventlist", withBob.Header("Require"), withBob.ToString());
    }

    [TestMethod]
    public async Task KamailioNotifiesBobsPublicationsToAWatcherUntilItUnsubscribes()
    {
        var sip = new SipTestClient(LogDirectory);
        var published = await sip.PublishAsync(new SipPublication(TestAccounts.Bob, TestAccounts.BobPassword, "In a meeting", Activity: "busy"));
        Assert.AreEqual(200, published.FinalStatus, published.ToString());
        Assert.IsNotNull(published.ETag, "200 to PUBLISH without SIP-ETag\n" + published);

        // carol watches bob from another address, as any SIP user agent would.
        await using var carol = await sip.StartSubscriberAsync(new SipSubscription(TestAccounts.CarolUri, TestAccounts.BobUri,
            TestAccounts.Carol, TestAccounts.CarolPassword) { LocalAddress = IPAddress.Parse("127.0.0.3") });

        var first = await carol.WaitForNotifyAsync(n => n.SubscriptionStateValue == "active" && n.Body.Contains("In a meeting", StringComparison.Ordinal), EventTimeout);
        Assert.IsNotNull(first, Diagnostics(carol.Diagnostics()));
        CollectionAssert.Contains(carol.SubscribeStatuses().ToArray(), 200, carol.Diagnostics());
        StringAssert.Contains(first.Body, "<basic>open</basic>", first.ToString());
        StringAssert.Contains(first.Body, "busy", first.ToString());
        StringAssert.StartsWith(first.Header("Content-Type"), "application/pidf+xml", first.ToString());

        // Modify the same publication (SIP-If-Match): the watcher sees the new note only.
        var modified = await sip.PublishAsync(new SipPublication(TestAccounts.Bob, TestAccounts.BobPassword, "Out to lunch & back at 2",
            Activity: "away", Lang: "de", ETag: published.ETag));
        Assert.AreEqual(200, modified.FinalStatus, modified.ToString());
        var second = await carol.WaitForNotifyAsync(n => n.Body.Contains("Out to lunch &amp; back at 2", StringComparison.Ordinal), EventTimeout);
        Assert.IsNotNull(second, Diagnostics(carol.Diagnostics()));
        Assert.DoesNotContain("In a meeting", second.Body, "a modified publication replaces the old one\n" + second);
        StringAssert.Contains(second.Body, "xml:lang=\"de\"", second.ToString());
        StringAssert.Contains(second.Body, "away", second.ToString());

        await carol.UnsubscribeAsync();
        var terminated = await carol.WaitForNotifyAsync(n => n.SubscriptionStateValue == "terminated", EventTimeout);
        Assert.IsNotNull(terminated, Diagnostics(carol.Diagnostics()));

        var removed = await sip.UnpublishAsync(TestAccounts.Bob, TestAccounts.BobPassword, modified.ETag!);
        Assert.AreEqual(200, removed.FinalStatus, removed.ToString());
    }

    [TestMethod]
    public async Task KamailioRoutesSubscribeForATestToTheBridgeAddress()
    {
        var sip = new SipTestClient(LogDirectory);
        // Nothing listens on the bridge's address here, so the relayed SUBSCRIBE times out;
        // what matters is that Kamailio authenticated bob and relayed towards 127.0.0.2.
        await using var bob = await sip.StartSubscriberAsync(new SipSubscription(TestAccounts.BobUri, TestAccounts.AliceUri,
            TestAccounts.Bob, TestAccounts.BobPassword));

        var answer = await bob.WaitForSubscribeAnswerAsync(TimeSpan.FromSeconds(15));

        // Typically 408 (no answer) or 503 (ICMP port unreachable): any failure, never a 2xx.
        Assert.IsNotNull(answer, bob.Diagnostics());
        Assert.IsGreaterThanOrEqualTo(400, answer.Value, bob.Diagnostics());
        StringAssert.Contains(File.ReadAllText(Path.Combine(Peers.KamailioDirectory, "kamailio.log")),
            "relaying SUBSCRIBE sip:alice@a.test to bridge sip:127.0.0.2:5060");
    }

    [TestMethod]
    public async Task XmppClientsSubscribeApproveAndSeePresenceChanges()
    {
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        await using var mallory = await XmppTestClient.ConnectAsync(TestAccounts.MalloryJid, TestAccounts.MalloryPassword, LogDirectory);

        await mallory.SendSubscriptionAsync(TestAccounts.AliceJid, "subscribe");
        var request = await alice.WaitForPresenceAsync(TestAccounts.MalloryJid, e => e.Type == "subscribe", EventTimeout);
        Assert.IsNotNull(request, alice.Diagnostics());
        // Nothing is answered automatically: mallory sees neither approval nor refusal yet.
        Assert.IsNull(await mallory.WaitForPresenceAsync(TestAccounts.AliceJid, e => e.Type is "subscribed" or "unsubscribed", TimeSpan.FromSeconds(1)),
            mallory.Diagnostics());

        await alice.SendSubscriptionAsync(TestAccounts.MalloryJid, "subscribed");
        Assert.IsNotNull(await mallory.WaitForPresenceAsync(TestAccounts.AliceJid, e => e.Type == "subscribed", EventTimeout), mallory.Diagnostics());

        await alice.SendPresenceAsync(show: "dnd", status: "Bitte nicht stören", lang: "de", priority: 7);
        var changed = await mallory.WaitForPresenceAsync(TestAccounts.AliceJid, e => e.Status == "Bitte nicht stören", EventTimeout);
        Assert.IsNotNull(changed, mallory.Diagnostics());
        Assert.AreEqual("available", changed.Type, changed.Raw);
        Assert.AreEqual("dnd", changed.Show, changed.Raw);
        Assert.AreEqual("de", changed.Lang, changed.Raw);
        Assert.AreEqual("7", changed.Priority, changed.Raw);

        await alice.SendPresenceAsync(status: "gone", unavailable: true);
        Assert.IsNotNull(await mallory.WaitForPresenceAsync(TestAccounts.AliceJid, e => e.Type == "unavailable" && e.Status == "gone", EventTimeout),
            mallory.Diagnostics());
    }

    private string Diagnostics(params string[] parts) => string.Join('\n', parts) + "\n" + Peers.Diagnostics();
}

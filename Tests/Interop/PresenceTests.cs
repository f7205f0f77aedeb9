using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// Presence (RFC 7248 / RFC 8048) between alice@a.test on Prosody (slixmpp) and bob@b.test on
/// Kamailio (sipp PUBLISH / SUBSCRIBE), through the bridge. Real servers, real clients; one
/// Prosody, Kamailio and bridge per class. Kamailio's presence server (force_active) authorises
/// every watcher; bob's publications are withdrawn after each test because Kamailio merges every
/// live publication of a user.
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed partial class PresenceTests
{
    // Presence should cross in about a second; the waits are generous, never fixed sleeps.
    private static readonly TimeSpan PresenceTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AfterRestartTimeout = TimeSpan.FromSeconds(20);
    // How long "nothing more arrived" is watched for after an unsubscription.
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(3);

    private static readonly InteropFixture s_run = new(() => InteropFixture.StartDefaultAsync("presence"));

    public TestContext TestContext { get; set; } = null!;

    private static PeerServers Peers => s_run.Peers;

    private static BridgeProcess Bridge => s_run.Bridge!;

    private static string LogDirectory => s_run.LogDirectory;

    private readonly List<string> _etags = [];
    private SipTestClient? _sip;

    private SipTestClient Sip => _sip ??= new SipTestClient(LogDirectory);

    [TestInitialize]
    public async Task EnsureServers()
    {
        await s_run.EnsureStartedAsync();
        TestContext.WriteLine($"{Peers}; bridge pid {Bridge.Pid}, log {Bridge.LogFile}, storage {BridgeProcess.StoragePath(Peers.WorkDirectory)}");
    }

    [TestCleanup]
    public async Task WithdrawBobsPublications()
    {
        foreach (var etag in _etags)
        {
            await Sip.UnpublishAsync(TestAccounts.Bob, TestAccounts.BobPassword, etag);
        }
        _etags.Clear();
    }

    [ClassCleanup]
    public static Task StopServers() => s_run.StopAsync();

    // (a) alice (XMPP) watches bob (SIP).
    [TestMethod]
    public async Task AliceSeesBobsPresenceAndItsChanges()
    {
        var note = Unique("In a meeting");
        var etag = await PublishBobAsync(note, "busy");
        await using var alice = await ConnectAliceAsync();
        try
        {
            await alice.SendSubscriptionAsync(TestAccounts.BobJid, "subscribe");

            var approved = await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "subscribed", PresenceTimeout);
            Assert.IsNotNull(approved, Diagnostics("alice got no <presence type='subscribed'/> from bob (Kamailio authorises every watcher)", alice.Diagnostics()));
            var seen = await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Status == note, PresenceTimeout);
            Assert.IsNotNull(seen, Diagnostics($"alice never saw bob's note '{note}'", alice.Diagnostics()));
            Assert.AreEqual("available", seen.Type, "PIDF basic open -> available\n" + seen.Raw);
            Assert.AreEqual("dnd", seen.Show, "RPID <busy/> -> <show>dnd</show>\n" + seen.Raw);
            Assert.AreEqual("en", seen.Lang, "note xml:lang -> status xml:lang\n" + seen.Raw);

            var changed = Unique("Out to lunch");
            var newEtag = await PublishBobAsync(changed, "away", lang: "de", etag: etag);
            var update = await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Status == changed, PresenceTimeout);
            Assert.IsNotNull(update, Diagnostics($"bob's change to '{changed}' (etag {newEtag}) never reached alice", alice.Diagnostics()));
            Assert.AreEqual("away", update.Show, "RPID <away/> -> <show>away</show>\n" + update.Raw);
            Assert.AreEqual("de", update.Lang, update.Raw);
        }
        finally
        {
            await EndAliceSubscriptionsAsync(alice);
        }
    }

    // (b) bob (SIP) watches alice (XMPP): pending until she approves, then her changes.
    [TestMethod]
    public async Task BobIsPendingUntilAliceApprovesThenSeesHerChanges()
    {
        await using var alice = await ConnectAliceAsync();
        var status = Unique("Working from home");
        await alice.SendPresenceAsync(show: "away", status: status, lang: "en");
        try
        {
            await using var bob = await SubscribeBobToAliceAsync();

            var request = await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "subscribe", PresenceTimeout);
            Assert.IsNotNull(request, Diagnostics("bob's SUBSCRIBE never reached alice as <presence type='subscribe'/>", alice.Diagnostics(), bob.Diagnostics()));
            var pending = await bob.WaitForNotifyAsync(n => n.SubscriptionStateValue == "pending", PresenceTimeout);
            Assert.IsNotNull(pending, Diagnostics("no NOTIFY with Subscription-State: pending before alice answered", bob.Diagnostics()));
            Assert.IsEmpty(bob.Notifies().Where(n => n.SubscriptionStateValue == "active").ToList(),
                Diagnostics("bob's subscription became active before alice approved", bob.Diagnostics()));
            Assert.DoesNotContain(status, pending.Body, "a pending NOTIFY must not reveal alice's status\n" + pending);

            await alice.SendSubscriptionAsync(TestAccounts.BobJid, "subscribed");

            var active = await bob.WaitForNotifyAsync(n => n.SubscriptionStateValue == "active" && n.Body.Contains(status, StringComparison.Ordinal), PresenceTimeout);
            Assert.IsNotNull(active, Diagnostics($"no active NOTIFY with alice's status '{status}' after she approved", bob.Diagnostics(), alice.Diagnostics()));
            StringAssert.StartsWith(active.Header("Content-Type"), "application/pidf+xml", active.ToString());
            StringAssert.Contains(active.Body, "<basic>open</basic>", active.ToString());
            StringAssert.Contains(active.Body, "away", "<show>away</show> -> RPID <away/>\n" + active);

            var changed = Unique("Do not disturb me");
            await alice.SendPresenceAsync(show: "dnd", status: changed, lang: "en");
            var update = await bob.WaitForNotifyAsync(n => n.SubscriptionStateValue == "active" && n.Body.Contains(changed, StringComparison.Ordinal), PresenceTimeout);
            Assert.IsNotNull(update, Diagnostics($"alice's change to '{changed}' never reached bob", bob.Diagnostics(), alice.Diagnostics()));
            StringAssert.Contains(update.Body, "busy", "<show>dnd</show> -> RPID <busy/>\n" + update);
        }
        finally
        {
            await EndAliceSubscriptionsAsync(alice);
        }
    }

    // (c) alice unsubscribes from bob: the bridge ends its SIP subscription and nothing more flows.
    [TestMethod]
    public async Task AliceUnsubscribingFromBobEndsTheSipSubscription()
    {
        var etag = await PublishBobAsync(Unique("Available"), "busy");
        await using var alice = await ConnectAliceAsync();
        try
        {
            await AliceWatchesBobAsync(alice);
            var before = Unique("Still here");
            etag = await PublishBobAsync(before, "busy", etag: etag);
            Assert.IsNotNull(await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Status == before, PresenceTimeout),
                Diagnostics("control: bob's change did not reach alice while subscribed", alice.Diagnostics()));

            await alice.SendSubscriptionAsync(TestAccounts.BobJid, "unsubscribe");

            // The bridge withdraws its subscription at Kamailio (in-dialog SUBSCRIBE, Expires: 0).
            var unsubscribed = await WaitForKamailioLogAsync(
                l => l.Contains("in-dialog SUBSCRIBE", StringComparison.Ordinal) && l.Contains("From sip:alice@a.test", StringComparison.Ordinal)
                     && l.Contains("Expires 0)", StringComparison.Ordinal), PresenceTimeout);
            Assert.IsTrue(unsubscribed, Diagnostics("Kamailio never saw the bridge's SUBSCRIBE with Expires: 0 for alice", alice.Diagnostics()));
            var after = Unique("Gone fishing");
            etag = await PublishBobAsync(after, "away", etag: etag);
            Assert.IsNull(await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Status == after, QuietPeriod),
                Diagnostics("bob's presence still reaches alice after she unsubscribed", alice.Diagnostics()));
        }
        finally
        {
            await EndAliceSubscriptionsAsync(alice);
        }
    }

    // (c) bob unsubscribes from alice: his subscription terminates and alice's server learns it.
    [TestMethod]
    public async Task BobUnsubscribingFromAliceTerminatesHisSubscription()
    {
        await using var alice = await ConnectAliceAsync();
        try
        {
            await using var bob = await BobWatchesAliceAsync(alice);

            await bob.UnsubscribeAsync();

            var terminated = await bob.WaitForNotifyAsync(n => n.SubscriptionStateValue == "terminated", PresenceTimeout);
            Assert.IsNotNull(terminated, Diagnostics("no NOTIFY with Subscription-State: terminated after bob's SUBSCRIBE Expires: 0", bob.Diagnostics()));
            var answers = bob.SubscribeStatuses();
            Assert.IsTrue(answers.Count >= 2 && answers[^1] is >= 200 and < 300,
                Diagnostics("the unsubscribing SUBSCRIBE was not accepted", bob.Diagnostics()));
            var notifiesBefore = bob.Notifies().Count;
            var after = Unique("Nobody watching");
            await alice.SendPresenceAsync(show: "xa", status: after);
            Assert.IsNull(await bob.WaitForNotifyAsync(n => n.Body.Contains(after, StringComparison.Ordinal), QuietPeriod),
                Diagnostics("alice's presence still reaches bob after he unsubscribed", bob.Diagnostics()));
            Assert.HasCount(notifiesBefore, bob.Notifies(), Diagnostics("NOTIFYs kept coming after the terminated one", bob.Diagnostics()));
        }
        finally
        {
            await EndAliceSubscriptionsAsync(alice);
        }
    }

    // (d) the bridge is killed mid-subscription and started again with the same config and storage.
    [TestMethod]
    public async Task SubscriptionsSurviveABridgeRestartInBothDirections()
    {
        var etag = await PublishBobAsync(Unique("Before restart"), "busy");
        await using var alice = await ConnectAliceAsync();
        try
        {
            await AliceWatchesBobAsync(alice);
            await using var bob = await BobWatchesAliceAsync(alice);
            var oldPid = Bridge.Pid;

            await Bridge.RestartAsync();

            Assert.AreNotEqual(oldPid, Bridge.Pid, "the bridge was not restarted");
            Assert.IsTrue(File.Exists(BridgeProcess.StoragePath(Peers.WorkDirectory)),
                Diagnostics($"no subscription store at {BridgeProcess.StoragePath(Peers.WorkDirectory)}"));

            var sipSide = Unique("After restart, from SIP");
            etag = await PublishBobAsync(sipSide, "away", etag: etag);
            var seen = await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Status == sipSide, AfterRestartTimeout);
            Assert.IsNotNull(seen, Diagnostics($"after the restart bob's change '{sipSide}' never reached alice", alice.Diagnostics()));
            Assert.AreEqual("away", seen.Show, seen.Raw);

            var xmppSide = Unique("After restart, from XMPP");
            await alice.SendPresenceAsync(show: "dnd", status: xmppSide);
            var notify = await bob.WaitForNotifyAsync(n => n.SubscriptionStateValue == "active" && n.Body.Contains(xmppSide, StringComparison.Ordinal), AfterRestartTimeout);
            Assert.IsNotNull(notify, Diagnostics($"after the restart alice's change '{xmppSide}' never reached bob", bob.Diagnostics(), alice.Diagnostics()));
        }
        finally
        {
            await EndAliceSubscriptionsAsync(alice);
        }
    }

    // Prosody probes every contact at each login, from the new full JID (RFC 6121 §4.3): the bridge
    // answers from its live subscription, so a client that logs in again sees bob at once.
    [TestMethod]
    public async Task ALoginProbeIsAnsweredWithBobsCurrentPresence()
    {
        var note = Unique("Probe me");
        await PublishBobAsync(note, "away");
        XmppTestClient? first = await ConnectAliceAsync();
        XmppTestClient? again = null;
        try
        {
            await AliceWatchesBobAsync(first);
            Assert.IsNotNull(await first.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Status == note, PresenceTimeout),
                Diagnostics("setup: alice never saw bob's note", first.Diagnostics()));
            await first.DisposeAsync();
            first = null;

            again = await ConnectAliceAsync();
            var seen = await again.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Status == note, PresenceTimeout);
            Assert.IsNotNull(seen, Diagnostics("after logging in again alice did not get bob's presence (the login probe was not answered)", again.Diagnostics()));
            Assert.AreEqual("away", seen.Show, seen.Raw);
            StringAssert.StartsWith(seen.To, TestAccounts.AliceJid + "/", "the answer to a probe from a full JID goes to that full JID\n" + seen.Raw);
        }
        finally
        {
            var last = again ?? first;
            if (last is not null)
            {
                await EndAliceSubscriptionsAsync(last);
                await last.DisposeAsync();
            }
            if (again is not null && first is not null)
            {
                await first.DisposeAsync();
            }
        }
    }

    /// <summary>alice subscribes to bob and waits until his current note arrives.</summary>
    private static async Task AliceWatchesBobAsync(XmppTestClient alice)
    {
        await alice.SendSubscriptionAsync(TestAccounts.BobJid, "subscribe");
        Assert.IsNotNull(await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "subscribed", PresenceTimeout),
            Diagnostics("setup: alice's subscription to bob was not approved", alice.Diagnostics()));
        Assert.IsNotNull(await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "available" && e.Status is not null, PresenceTimeout),
            Diagnostics("setup: alice never saw bob's presence", alice.Diagnostics()));
    }

    /// <summary>bob subscribes to alice, she approves, and an active NOTIFY arrives.</summary>
    private async Task<SipSubscriber> BobWatchesAliceAsync(XmppTestClient alice)
    {
        var status = Unique("Watched by bob");
        await alice.SendPresenceAsync(status: status);
        var bob = await SubscribeBobToAliceAsync();
        try
        {
            Assert.IsNotNull(await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "subscribe", PresenceTimeout),
                Diagnostics("setup: bob's SUBSCRIBE never reached alice", alice.Diagnostics(), bob.Diagnostics()));
            await alice.SendSubscriptionAsync(TestAccounts.BobJid, "subscribed");
            Assert.IsNotNull(await bob.WaitForNotifyAsync(n => n.SubscriptionStateValue == "active" && n.Body.Contains(status, StringComparison.Ordinal), PresenceTimeout),
                Diagnostics("setup: bob's subscription to alice never became active with her status", bob.Diagnostics(), alice.Diagnostics()));
            return bob;
        }
        catch
        {
            await bob.DisposeAsync();
            throw;
        }
    }

    private Task<SipSubscriber> SubscribeBobToAliceAsync() =>
        Sip.StartSubscriberAsync(new SipSubscription(TestAccounts.BobUri, TestAccounts.AliceUri, TestAccounts.Bob, TestAccounts.BobPassword));

    /// <summary>PUBLISHes bob's presence (or modifies the publication etag); returns the new ETag.</summary>
    private async Task<string> PublishBobAsync(string note, string activity, string lang = "en", string? etag = null)
    {
        var result = await Sip.PublishAsync(new SipPublication(TestAccounts.Bob, TestAccounts.BobPassword, note, activity, Lang: lang, ETag: etag));
        if (result.FinalStatus != 200 || result.ETag is null)
        {
            throw new InteropSetupException("bob's PUBLISH failed (harness problem, not the bridge): " + result);
        }
        if (etag is not null)
        {
            _etags.Remove(etag);
        }
        _etags.Add(result.ETag);
        return result.ETag;
    }

    /// <summary>Leaves Prosody's roster clean for the next test: no subscription either way.</summary>
    private static async Task EndAliceSubscriptionsAsync(XmppTestClient alice)
    {
        await alice.SendSubscriptionAsync(TestAccounts.BobJid, "unsubscribe");
        await alice.SendSubscriptionAsync(TestAccounts.BobJid, "unsubscribed");
    }

    private static async Task<bool> WaitForKamailioLogAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var path = Path.Combine(Peers.KamailioDirectory, "kamailio.log");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow <= deadline)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream))
            {
                if ((await reader.ReadToEndAsync()).Split('\n').Any(predicate))
                {
                    return true;
                }
            }
            await Task.Delay(100);
        }
        return false;
    }

    private static Task<XmppTestClient> ConnectAliceAsync() =>
        XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);

    private static string Unique(string text) => $"{text} [{Guid.NewGuid().ToString("N")[..8]}]";

    private static string Diagnostics(params string[] parts) => s_run.Diagnostics(parts);
}

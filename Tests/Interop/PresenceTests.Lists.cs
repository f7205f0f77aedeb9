namespace Bridge.Tests.Interop;

/// <summary>Resource lists (RFC 4662) through the bridge, both ways, against Kamailio's rls and sipp.</summary>
public sealed partial class PresenceTests
{
    // RFC 4662 through the bridge: alice subscribes to the list friends@b.test (Kamailio's rls). She is
    // offered the members (XEP-0144 roster item exchange) and sees bob's presence from bob@b.test.
    [TestMethod]
    public async Task AliceSubscribesToAListAndSeesItsMembers()
    {
        var note = Unique("Listed");
        await PublishBobAsync(note, "busy");
        await using var alice = await ConnectAliceAsync();
        try
        {
            await alice.SendSubscriptionAsync(FriendsJid, "subscribe");

            Assert.IsNotNull(await alice.WaitForPresenceAsync(FriendsJid, e => e.Type == "subscribed", PresenceTimeout),
                Diagnostics("alice got no <presence type='subscribed'/> from the list", alice.Diagnostics()));
            var offer = await alice.WaitForAsync(e => e.Kind == XmppEvent.Message && e.From == FriendsJid && e.RosterItems is not null, PresenceTimeout);
            Assert.IsNotNull(offer, Diagnostics("no XEP-0144 roster item exchange from the list", alice.Diagnostics()));
            StringAssert.Contains(offer.RosterItems, "bob@b.test=", offer.Raw);
            StringAssert.Contains(offer.RosterItems, "carol@b.test=", offer.Raw);

            var seen = await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Status == note, PresenceTimeout);
            Assert.IsNotNull(seen, Diagnostics($"bob's note '{note}' did not reach alice through the list", alice.Diagnostics()));
            Assert.AreEqual("dnd", seen.Show, seen.Raw);
        }
        finally
        {
            await alice.SendSubscriptionAsync(FriendsJid, "unsubscribe");
            await EndAliceSubscriptionsAsync(alice);
        }
    }

    // RFC 4662 the other way: the bridge serves support@a.test (peers/bridge.json) to SIP watchers. bob
    // subscribes with eventlist: RLMI full state with alice pending, then her approval and status as
    // partial notifications, each carrying her PIDF.
    [TestMethod]
    public async Task BobSubscribesToAListOfXmppUsersServedByTheBridge()
    {
        await using var alice = await ConnectAliceAsync();
        var status = Unique("On the support desk");
        await alice.SendPresenceAsync(show: "chat", status: status, lang: "en");
        try
        {
            await using var bob = await Sip.StartSubscriberAsync(new SipSubscription(TestAccounts.BobUri, "sip:support@a.test",
                TestAccounts.Bob, TestAccounts.BobPassword) { EventList = true });

            var full = await bob.WaitForNotifyAsync(n => n.Body.Contains("fullState=\"true\"", StringComparison.Ordinal), PresenceTimeout);
            Assert.IsNotNull(full, Diagnostics("no full-state RLMI NOTIFY for support@a.test", bob.Diagnostics()));
            StringAssert.StartsWith(full.Header("Content-Type"), "multipart/related", full.ToString());
            Assert.AreEqual("eventlist", full.Header("Require"), full.ToString());
            StringAssert.Contains(full.Body, "uri=\"sip:alice@a.test\"", full.ToString());
            StringAssert.Contains(full.Body, "state=\"pending\"", "alice has not authorized bob yet\n" + full);
            Assert.DoesNotContain(status, full.Body, "nothing of alice before she authorizes\n" + full);

            Assert.IsNotNull(await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "subscribe", PresenceTimeout),
                Diagnostics("the list's back-end subscription never reached alice", alice.Diagnostics(), bob.Diagnostics()));
            await alice.SendSubscriptionAsync(TestAccounts.BobJid, "subscribed");

            var active = await bob.WaitForNotifyAsync(n => n.Body.Contains("fullState=\"false\"", StringComparison.Ordinal)
                && n.Body.Contains(status, StringComparison.Ordinal), PresenceTimeout);
            Assert.IsNotNull(active, Diagnostics($"no partial RLMI NOTIFY with alice's status '{status}'", bob.Diagnostics(), alice.Diagnostics()));
            StringAssert.Contains(active.Body, "state=\"active\"", active.ToString());
            StringAssert.Contains(active.Body, "application/pidf+xml", active.ToString());

            var changed = Unique("Back in five");
            await alice.SendPresenceAsync(show: "away", status: changed, lang: "en");
            Assert.IsNotNull(await bob.WaitForNotifyAsync(n => n.Body.Contains(changed, StringComparison.Ordinal), PresenceTimeout),
                Diagnostics($"alice's change to '{changed}' never reached bob through the list", bob.Diagnostics()));
        }
        finally
        {
            await EndAliceSubscriptionsAsync(alice);
        }
    }

    private const string FriendsJid = "friends@b.test";
}

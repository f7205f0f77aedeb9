using System.Collections.Immutable;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Storage;
using Bridge.Sip;

namespace Bridge.Tests.FrontEnds.Sip.Presence;

/// <summary>The notifier half: SIP watchers (bob@b.test) of XMPP presentities (alice@a.test), and restarts.</summary>
public sealed partial class SipPresenceFrontEndTests
{
    private SipRequest WatcherSubscribe(string from = "sip:bob@b.test", string expires = "3600")
    {
        var subscribe = new SipRequest("SUBSCRIBE", "sip:alice@a.test");
        subscribe.Headers.Add("From", $"<{from}>;tag=w1");
        subscribe.Headers.Add("To", "<sip:alice@a.test>");
        subscribe.Headers.Add("Call-ID", "watch-1@b.test");
        subscribe.Headers.Add("CSeq", "1 SUBSCRIBE");
        subscribe.Headers.Add("Contact", $"<sip:bob@127.0.0.1:{_peer.BoundEndPoints[0].EndPoint.Port}>");
        subscribe.Headers.Add("Event", "presence");
        subscribe.Headers.Add("Accept", "application/pidf+xml");
        subscribe.Headers.Add("Expires", expires);
        return subscribe;
    }

    private async Task<(SipResponse Accepted, SipRequest Notify)> WatcherSubscribesAsync()
    {
        var accepted = await _peer.SendRequestAsync(WatcherSubscribe(), _bridge, _cts.Token);
        Assert.AreEqual(202, accepted.StatusCode, accepted.Headers["Warning"]);
        return (accepted, await NextAsync("NOTIFY"));
    }

    private static PresenceDocument AliceOnline() =>
        new(new("alice", "a.test"), ImmutableArray.Create(new PresenceSource("laptop", PresenceAvailability.Available, PresenceShow.None, ImmutableDictionary<string, string>.Empty, 0)));

    [TestMethod]
    public async Task SubscribesOverTheDomainsRateGet503WithRetryAfterAndNoDialog()
    {
        _config.Swap(_config.Current with { Limits = RateLimitSettings.None with { Default = new PeerLimits(SubscriptionsPerSecond: 1) } });
        await WatcherSubscribesAsync();

        var second = WatcherSubscribe();
        second.Headers.Set("Call-ID", "watch-2@b.test");
        var refused = await _peer.SendRequestAsync(second, _bridge, _cts.Token);

        Assert.AreEqual(503, refused.StatusCode);
        Assert.AreEqual("1", refused.Headers["Retry-After"]);
        Assert.AreEqual(1, Routed().Count(e => e.Kind == PresenceEventKind.Subscribe), "the refused one never reached XMPP");
        Assert.HasCount(1, await _store.LoadAsync(CancellationToken.None), "no subscription was kept for the refused one");
    }

    [TestMethod]
    public async Task ASipSubscribeIsAcceptedNotifiedPendingAndRoutedToXmpp()
    {
        var (accepted, notify) = await WatcherSubscribesAsync();
        Assert.IsNotNull(accepted.To!.Tag);
        Assert.AreEqual("pending;expires=3600", notify.Headers["Subscription-State"]);
        Assert.IsTrue(notify.Body.IsEmpty);
        Assert.AreEqual("watch-1@b.test", notify.CallId);
        Assert.AreEqual(accepted.To.Tag, notify.From!.Tag);
        Assert.AreEqual("w1", notify.To!.Tag);
        Assert.AreEqual(new PresenceEvent(PresenceEventKind.Subscribe, Bob, Alice), Routed().Single());
        var stored = (await _store.LoadAsync(CancellationToken.None)).Single();
        Assert.AreEqual(SubscriptionRole.SipWatcher, stored.Role);
        Assert.AreEqual("pending", stored.State);
    }

    [TestMethod]
    public async Task SubscribedFromXmppSendsNotifyActiveWithPidf()
    {
        var (_, pending) = await WatcherSubscribesAsync();
        Assert.IsTrue((await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Notify, Alice, Bob, AliceOnline()), _cts.Token)).Delivered);
        Assert.IsTrue((await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribed, Alice, Bob), _cts.Token)).Delivered);
        var active = await NextAsync("NOTIFY");
        StringAssert.StartsWith(active.Headers["Subscription-State"], "active");
        Assert.AreEqual("application/pidf+xml", active.ContentType);
        StringAssert.Contains(System.Text.Encoding.UTF8.GetString(active.Body.Span), "open");
        Assert.IsGreaterThan(pending.CSeqNumber!.Value, active.CSeqNumber!.Value);
        Assert.AreEqual("active", (await _store.LoadAsync(CancellationToken.None)).Single().State);

        // Going offline: a document without sources is basic closed.
        await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Notify, Alice, Bob, new PresenceDocument(Alice, [])), _cts.Token);
        StringAssert.Contains(System.Text.Encoding.UTF8.GetString((await NextAsync("NOTIFY")).Body.Span), "closed");
    }

    [TestMethod]
    public async Task UnsubscribedFromXmppTerminatesWithRejected()
    {
        await WatcherSubscribesAsync();
        await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Unsubscribed, Alice, Bob), _cts.Token);
        Assert.AreEqual("terminated;reason=rejected", (await NextAsync("NOTIFY")).Headers["Subscription-State"]);
        Assert.IsEmpty(await _store.LoadAsync(CancellationToken.None));
    }

    [TestMethod]
    public async Task AWatcherUnsubscribeEndsTheSubscriptionAndTellsXmpp()
    {
        var (accepted, _) = await WatcherSubscribesAsync();
        var unsubscribe = WatcherSubscribe(expires: "0");
        unsubscribe.Headers.Set("To", $"<sip:alice@a.test>;tag={accepted.To!.Tag}");
        unsubscribe.Headers.Set("CSeq", "2 SUBSCRIBE");
        Assert.AreEqual(202, (await _peer.SendRequestAsync(unsubscribe, _bridge, _cts.Token)).StatusCode);
        StringAssert.StartsWith((await NextAsync("NOTIFY")).Headers["Subscription-State"], "terminated");
        await WaitUntilAsync(() => Routed().Any(e => e.Kind == PresenceEventKind.Unsubscribe));
        Assert.AreEqual(new PresenceEvent(PresenceEventKind.Unsubscribe, Bob, Alice), Routed()[^1], string.Join(" / ", Routed()));
        Assert.IsEmpty(await _store.LoadAsync(CancellationToken.None));
    }

    [TestMethod]
    public async Task ASubscribeFromAnUntrustedSourceIsRefused()
    {
        // Loopback is a known source (trusted for b.test) but not for e.test, the From domain here.
        var response = await _peer.SendRequestAsync(WatcherSubscribe(from: "sip:eve@e.test"), _bridge, _cts.Token);
        Assert.AreEqual(403, response.StatusCode);
        Assert.IsEmpty(Routed());
    }

    [TestMethod]
    public async Task ASubscribeThePeeringDoesNotAllowIsRefusedWithAWarning()
    {
        var current = _config.Current;
        _config.Swap(current with { Peerings = [new PeeringConfig(["a.test", "b.test"], [BridgeService.Message])] });
        var response = await _peer.SendRequestAsync(WatcherSubscribe(), _bridge, _cts.Token);
        Assert.AreEqual(403, response.StatusCode);
        Assert.IsNotNull(response.Headers["Warning"]);
        Assert.IsEmpty(Routed());
    }

    [TestMethod]
    public async Task AnotherEventPackageGets489()
    {
        var subscribe = WatcherSubscribe();
        subscribe.Headers.Set("Event", "dialog");
        Assert.AreEqual(489, (await _peer.SendRequestAsync(subscribe, _bridge, _cts.Token)).StatusCode);
    }

    [TestMethod]
    public async Task AfterARestartBothDirectionsCarryOn()
    {
        // Before: bob watches alice (active), alice watches bob (active).
        var (accepted, _) = await WatcherSubscribesAsync();
        await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribed, Alice, Bob), _cts.Token);
        var lastBefore = await NextAsync("NOTIFY");
        var oldSubscribe = await ActiveSubscriptionAsync();
        await _frontEnd.StopAsync(CancellationToken.None);
        _xmpp.Presence.Clear();

        await StartBridgeAsync();

        // XMPP watcher: a fresh SUBSCRIBE. SIP watcher: XMPP is probed, and its answer goes out in the same dialog.
        var again = await NextAsync("SUBSCRIBE");
        Assert.AreNotEqual(oldSubscribe.CallId, again.CallId);
        await WaitUntilAsync(() => Routed().Any(e => e.Kind == PresenceEventKind.Probe));
        Assert.AreEqual(new PresenceEvent(PresenceEventKind.Probe, Bob, Alice), Routed().Single(e => e.Kind == PresenceEventKind.Probe));
        await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Notify, Alice, Bob, AliceOnline()), _cts.Token);
        var after = await NextAsync("NOTIFY");
        Assert.AreEqual(lastBefore.CallId, after.CallId);
        Assert.AreEqual(accepted.To!.Tag, after.From!.Tag);
        Assert.AreEqual("w1", after.To!.Tag);
        Assert.IsGreaterThan(lastBefore.CSeqNumber!.Value, after.CSeqNumber!.Value);
        StringAssert.StartsWith(after.Headers["Subscription-State"], "active");

        // The watcher's refresh in that dialog is still accepted.
        var refresh = WatcherSubscribe();
        refresh.Headers.Set("To", $"<sip:alice@a.test>;tag={accepted.To.Tag}");
        refresh.Headers.Set("CSeq", "2 SUBSCRIBE");
        Assert.AreEqual(202, (await _peer.SendRequestAsync(refresh, _bridge, _cts.Token)).StatusCode);
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, _cts.Token); // network hand-offs only; subscription timers use the fake clock
        }
    }
}

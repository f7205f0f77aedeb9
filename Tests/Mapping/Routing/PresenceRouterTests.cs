using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Bridge.Tests.Mapping.Configuration;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Mapping.Routing;

[TestClass]
public sealed class PresenceRouterTests
{
    private readonly FakeFrontEnd xmpp = new(DomainProtocol.Xmpp);
    private readonly FakeFrontEnd sip = new(DomainProtocol.Sip);
    private readonly CapturingLogger<PresenceRouter> log = new();

    private static readonly ChatAddress Alice = new("alice", "a.test");
    private static readonly ChatAddress Bob = new("bob", "b.test");

    private PresenceRouter CreateRouter(params string[] services)
    {
        var config = TestConfigs.Valid();
        if (services.Length > 0)
        {
            var parsed = services.Select(s => Enum.Parse<BridgeService>(s, ignoreCase: true)).ToHashSet();
            config = config with { Peerings = [.. config.Peerings.Select(p => p with { Services = [.. parsed] })] };
        }
        return new PresenceRouter(new PeeringPolicy(new TestConfigSource(config)), [xmpp, sip], log);
    }

    [TestMethod]
    public void Watcher_and_presentity_follow_the_xmpp_reading_of_from_and_to()
    {
        var subscribe = new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob);
        var subscribed = new PresenceEvent(PresenceEventKind.Subscribed, Bob, Alice);
        Assert.AreEqual(Alice, subscribe.Watcher);
        Assert.AreEqual(Bob, subscribe.Presentity);
        Assert.AreEqual(Alice, subscribed.Watcher);
        Assert.AreEqual(Bob, subscribed.Presentity);
        Assert.IsTrue(new PresenceEvent(PresenceEventKind.Probe, Alice, Bob).IsFromWatcher);
        Assert.IsFalse(new PresenceEvent(PresenceEventKind.Notify, Bob, Alice).IsFromWatcher);
    }

    [TestMethod]
    public async Task An_allowed_subscribe_from_xmpp_reaches_the_sip_front_end_and_is_logged()
    {
        var e = new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob);
        var result = await CreateRouter("message", "presence").RouteAsync(e, DomainProtocol.Xmpp, CancellationToken.None);

        Assert.IsTrue(result.Delivered);
        Assert.AreEqual(e, sip.Presence.Single());
        Assert.IsEmpty(xmpp.Presence);
        var line = log.Entries.Single();
        Assert.AreEqual(LogLevel.Information, line.Level);
        Assert.AreEqual("xmpp->sip", line.Properties["Direction"]);
        Assert.AreEqual("Subscribe", line.Properties["Kind"]!.ToString());
    }

    [TestMethod]
    public async Task A_notify_from_sip_reaches_xmpp_and_is_logged_at_debug()
    {
        var e = new PresenceEvent(PresenceEventKind.Notify, Bob, Alice, new PresenceDocument(Bob, [PresenceSource.Online("pc")]));
        var result = await CreateRouter("presence").RouteAsync(e, DomainProtocol.Sip, CancellationToken.None);

        Assert.IsTrue(result.Delivered);
        Assert.AreEqual(e, xmpp.Presence.Single());
        Assert.AreEqual(LogLevel.Debug, log.Entries.Single().Level);
    }

    [TestMethod]
    public async Task Presence_not_in_the_peering_is_refused_as_not_allowed_and_never_delivered()
    {
        var e = new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob);
        var router = CreateRouter("message");
        var result = await router.RouteAsync(e, DomainProtocol.Xmpp, CancellationToken.None);

        Assert.AreEqual(DeliveryFailure.NotAllowed, result.Error!.Failure);
        Assert.IsTrue(result.Error.IsPolicyRefusal);
        Assert.IsEmpty(sip.Presence);
        Assert.AreEqual(LogLevel.Warning, log.Entries.Single().Level);
        Assert.AreEqual(PolicyVerdict.ServiceNotAllowed, router.Check(e, DomainProtocol.Xmpp).Verdict);
    }

    [TestMethod]
    public async Task Unknown_sender_domain_is_forbidden_and_unknown_recipient_is_not_found()
    {
        var router = CreateRouter("presence");
        var fromNowhere = await router.RouteAsync(new PresenceEvent(PresenceEventKind.Subscribe, new ChatAddress("m", "z.test"), Bob), DomainProtocol.Xmpp, CancellationToken.None);
        var toNowhere = await router.RouteAsync(new PresenceEvent(PresenceEventKind.Subscribe, Alice, new ChatAddress("m", "z.test")), DomainProtocol.Xmpp, CancellationToken.None);

        Assert.AreEqual(DeliveryFailure.Forbidden, fromNowhere.Error!.Failure);
        Assert.AreEqual(DeliveryFailure.RemoteServerNotFound, toNowhere.Error!.Failure);
        Assert.IsEmpty(sip.Presence);
    }

    [TestMethod]
    public async Task A_throwing_front_end_becomes_an_internal_error()
    {
        sip.PresenceAnswer = _ => throw new InvalidOperationException("boom");
        var result = await CreateRouter("presence").RouteAsync(new PresenceEvent(PresenceEventKind.Unsubscribe, Alice, Bob), DomainProtocol.Xmpp, CancellationToken.None);

        Assert.AreEqual(DeliveryFailure.InternalServerError, result.Error!.Failure);
        Assert.IsTrue(log.Entries.Any(e => e.Level == LogLevel.Error));
    }
}

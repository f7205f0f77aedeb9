using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Bridge.Tests.Mapping.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Mapping.Routing;

/// <summary>Both routers consult the limiter after the peering policy and refuse the excess with resource-constraint.</summary>
[TestClass]
public sealed class RateLimitedRoutingTests
{
    private static readonly ChatAddress Alice = new("alice", "a.test");
    private static readonly ChatAddress Bob = new("bob", "b.test");

    private readonly FakeFrontEnd xmpp = new(DomainProtocol.Xmpp);
    private readonly FakeFrontEnd sip = new(DomainProtocol.Sip);
    private readonly FakeTimeProvider clock = new();
    private readonly CapturingLogger<MessageRouter> messageLog = new();
    private readonly CapturingLogger<PresenceRouter> presenceLog = new();
    private readonly TestConfigSource source = new(TestConfigs.Valid() with
    {
        Limits = RateLimitSettings.None with { Default = new PeerLimits(MessagesPerSecond: 2, SubscriptionsPerSecond: 1) },
    });

    private PeerRateLimiter Limiter() => new(source, clock, new CapturingLogger<PeerRateLimiter>());

    [TestMethod]
    public async Task MessagesOverTheRateAreResourceConstraintWithRetryAfterAndNotDelivered()
    {
        using var limiter = Limiter();
        var router = new MessageRouter(new PeeringPolicy(source), [xmpp, sip], source, messageLog, limiter);

        var results = new List<DeliveryResult>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await router.RouteMessageAsync(new InstantMessage($"m{i}", Alice, Bob, "hi"), DomainProtocol.Xmpp, CancellationToken.None));
        }

        CollectionAssert.AreEqual(new[] { true, true, false, false }, results.Select(r => r.Delivered).ToArray());
        var error = results[2].Error!;
        Assert.AreEqual(DeliveryFailure.ResourceConstraint, error.Failure);
        Assert.AreEqual(503, error.SipStatus);
        Assert.AreEqual(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.IsFalse(error.IsPolicyRefusal);
        Assert.HasCount(2, sip.Messages);
        Assert.IsEmpty(messageLog.At(LogLevel.Warning), "the limiter logs the flood, once per interval; the router not per message");
    }

    [TestMethod]
    public async Task APolicyRefusalTakesNoPermit()
    {
        using var limiter = Limiter();
        var router = new MessageRouter(new PeeringPolicy(source), [xmpp, sip], source, messageLog, limiter);

        for (var i = 0; i < 5; i++)
        {
            // c.test may not send messages at all: refused by the policy before the limiter is asked.
            var refused = await router.RouteMessageAsync(new InstantMessage("x", new ChatAddress("carol", "c.test"), new ChatAddress("dave", "d.test"), "hi"), DomainProtocol.Xmpp, CancellationToken.None);
            Assert.AreEqual(DeliveryFailure.NotAllowed, refused.Error?.Failure);
        }
        Assert.IsTrue(limiter.TryAcquire("c.test", LimitedTraffic.Message).Allowed);
    }

    [TestMethod]
    public async Task OnlyNewSubscriptionsCountForPresence()
    {
        using var limiter = Limiter();
        var router = new PresenceRouter(new PeeringPolicy(source), [xmpp, sip], presenceLog, limiter);

        var first = await router.RouteAsync(new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob), DomainProtocol.Xmpp, CancellationToken.None);
        var second = await router.RouteAsync(new PresenceEvent(PresenceEventKind.Subscribe, Alice, new ChatAddress("bert", "b.test")), DomainProtocol.Xmpp, CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            var notify = await router.RouteAsync(new PresenceEvent(PresenceEventKind.Notify, Alice, Bob, new PresenceDocument(Alice, [])), DomainProtocol.Xmpp, CancellationToken.None);
            Assert.IsTrue(notify.Delivered, "presence updates are not subscriptions");
        }

        Assert.IsTrue(first.Delivered);
        Assert.AreEqual(DeliveryFailure.ResourceConstraint, second.Error?.Failure);
        Assert.AreEqual(TimeSpan.FromSeconds(1), second.Error?.RetryAfter);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.IsTrue((await router.RouteAsync(new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob), DomainProtocol.Xmpp, CancellationToken.None)).Delivered);
    }

    [TestMethod]
    public async Task AdmitThenRouteAdmittedTakesOnePermitOnly()
    {
        using var limiter = Limiter();
        var router = new PresenceRouter(new PeeringPolicy(source), [xmpp, sip], presenceLog, limiter);
        var subscribe = new PresenceEvent(PresenceEventKind.Subscribe, Bob, Alice);

        Assert.IsNull(router.Admit(subscribe));
        Assert.IsTrue((await router.RouteAsync(subscribe, DomainProtocol.Sip, CancellationToken.None, admitted: true)).Delivered);
        Assert.AreEqual(DeliveryFailure.ResourceConstraint, router.Admit(subscribe)?.Error?.Failure);
    }
}

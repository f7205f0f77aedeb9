using System.Collections.Immutable;
using System.Net;
using System.Threading.Channels;
using System.Xml.Linq;
using Bridge.FrontEnds.Xmpp;
using Bridge.FrontEnds.Xmpp.Presence;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Bridge.Tests.Mapping.Configuration;
using Bridge.Tests.Mapping.Routing;
using Bridge.Xmpp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.FrontEnds.Xmpp.Presence;

/// <summary>
/// Presence through the XMPP front-end over real loopback S2S with dialback: a second
/// <see cref="XmppServer"/> plays Prosody for a.test, the bridge serves b.test, and an in-process fake
/// stands in for the SIP side.
/// </summary>
[TestClass]
public sealed partial class XmppPresenceFrontEndTests
{
    private static readonly XNamespace S = "jabber:server";
    private static readonly XNamespace Errors = "urn:ietf:params:xml:ns:xmpp-stanzas";
    private static readonly ChatAddress Alice = new("alice", "a.test");
    private static readonly ChatAddress Bob = new("bob", "b.test");

    private XmppServer _prosody = null!;
    private XmppServer _bridgeServer = null!;
    private XmppFrontEnd _frontEnd = null!;
    private FakeFrontEnd _sip = null!;
    private TestConfigSource _config = null!;
    private Channel<XElement> _atProsody = null!;
    private readonly FakeTimeProvider _limiterClock = new();

    // Guards against a hang only; every wait completes as soon as the awaited event happens.
    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    [TestInitialize]
    public async Task Start()
    {
        _atProsody = Channel.CreateUnbounded<XElement>();
        XmppServer? bridge = null;
        _prosody = new XmppServer(
            new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, 0), "prosody-secret")
            {
                IsLocalDomain = d => d == "a.test",
                IsPeerAllowed = (l, r) => r == "b.test",
            },
            new XmppResolver(d => d == "b.test" ? ("127.0.0.1", bridge!.BoundEndPoint!.Port) : null, NullLogger<XmppResolver>.Instance),
            TimeProvider.System, NullLoggerFactory.Instance)
        {
            StanzaHandler = s => _atProsody.Writer.WriteAsync(s).AsTask(),
        };
        bridge = new XmppServer(
            new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, 0), "bridge-secret")
            {
                IsLocalDomain = d => d == "b.test",
                IsPeerAllowed = (l, r) => r == "a.test",
            },
            new XmppResolver(d => d == "a.test" ? ("127.0.0.1", _prosody.BoundEndPoint!.Port) : null, NullLogger<XmppResolver>.Instance),
            TimeProvider.System, NullLoggerFactory.Instance);
        _bridgeServer = bridge;

        _config = new TestConfigSource(TestConfigs.Valid());
        var policy = new PeeringPolicy(_config);
        _sip = new FakeFrontEnd(DomainProtocol.Sip);
        MessageRouter? messages = null;
        PresenceRouter? presence = null;
        _frontEnd = new XmppFrontEnd(bridge, new Lazy<MessageRouter>(() => messages!), new Lazy<PresenceRouter>(() => presence!),
            new InMemoryXmppPresenceCache(), TimeProvider.System, NullLogger<XmppFrontEnd>.Instance);
        var limiter = new PeerRateLimiter(_config, _limiterClock, NullLogger<PeerRateLimiter>.Instance);
        messages = new MessageRouter(policy, [_frontEnd, _sip], _config, NullLogger<MessageRouter>.Instance, limiter);
        presence = new PresenceRouter(policy, [_frontEnd, _sip], NullLogger<PresenceRouter>.Instance, limiter);
        await _prosody.StartAsync(CancellationToken.None);
        await _frontEnd.StartAsync(CancellationToken.None);
    }

    [TestCleanup]
    public async Task Stop()
    {
        await _frontEnd.StopAsync(CancellationToken.None);
        await _bridgeServer.DisposeAsync();
        await _prosody.DisposeAsync();
    }

    private static XElement Presence(string from, string to, string? type = null, string id = "p1", params object[] content)
    {
        var stanza = new XElement(S + "presence", new XAttribute("from", from), new XAttribute("to", to), new XAttribute("id", id), content);
        if (type is not null)
        {
            stanza.SetAttributeValue("type", type);
        }
        return stanza;
    }

    private async Task ProsodySendsAsync(XElement stanza)
    {
        var result = await _prosody.SendAsync(stanza, Guard());
        Assert.AreEqual(XmppSendStatus.Sent, result.Status, result.Condition);
    }

    /// <summary>The SIP side's n-th presence event (0-based), waiting for it to arrive.</summary>
    private async Task<PresenceEvent> SipEventAsync(int index)
    {
        var ct = Guard();
        while (true)
        {
            lock (_sip.Presence)
            {
                if (_sip.Presence.Count > index)
                {
                    return _sip.Presence[index];
                }
            }
            await Task.Delay(10, ct);
        }
    }

    private async Task<XElement> AtProsodyAsync() => await _atProsody.Reader.ReadAsync(Guard());

    private static ImmutableDictionary<string, string> Texts(params (string Lang, string Text)[] texts) =>
        texts.ToImmutableDictionary(t => t.Lang, t => t.Text, StringComparer.Ordinal);

    // ---- XMPP -> SIP ----

    [TestMethod]
    [DataRow("subscribe", PresenceEventKind.Subscribe)]
    [DataRow("unsubscribe", PresenceEventKind.Unsubscribe)]
    [DataRow("subscribed", PresenceEventKind.Subscribed)]
    [DataRow("unsubscribed", PresenceEventKind.Unsubscribed)]
    public async Task SubscriptionStanzasBecomeEventsBetweenBareAddresses(string type, PresenceEventKind kind)
    {
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test/desk", type));

        var routed = await SipEventAsync(0);
        Assert.AreEqual(new PresenceEvent(kind, Alice, Bob), routed);
    }

    [TestMethod]
    public async Task OverTheDomainsRateASubscribeOrAMessageGetsResourceConstraint()
    {
        _config.Swap(_config.Current with { Limits = RateLimitSettings.None with { Default = new PeerLimits(MessagesPerSecond: 1, SubscriptionsPerSecond: 1) } });

        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", "subscribe", "s1"));
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bert@b.test", "subscribe", "s2"));
        var refusal = await AtProsodyAsync();
        Assert.AreEqual("error", (string?)refusal.Attribute("type"));
        Assert.AreEqual("s2", (string?)refusal.Attribute("id"));
        // RFC 6120 §8.3.3.18: resource-constraint is of type wait.
        Assert.AreEqual("wait", (string?)refusal.Element(S + "error")?.Attribute("type"));
        Assert.IsNotNull(refusal.Element(S + "error")?.Element(Errors + "resource-constraint"));

        XElement Chat(string id) => new(S + "message", new XAttribute("from", "alice@a.test/phone"), new XAttribute("to", "bob@b.test"),
            new XAttribute("id", id), new XAttribute("type", "chat"), new XElement(S + "body", "hi"));
        await ProsodySendsAsync(Chat("m1"));
        await ProsodySendsAsync(Chat("m2"));
        var bounced = await AtProsodyAsync();
        Assert.AreEqual("m2", (string?)bounced.Attribute("id"));
        Assert.IsNotNull(bounced.Element(S + "error")?.Element(Errors + "resource-constraint"));
        Assert.HasCount(1, _sip.Messages);
        Assert.AreEqual(new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob), await SipEventAsync(0));
    }

    [TestMethod]
    public async Task AProbeKeepsTheFullFromAndABareTo()
    {
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test/desk", "probe"));

        var routed = await SipEventAsync(0);
        Assert.AreEqual(PresenceEventKind.Probe, routed.Kind);
        Assert.AreEqual(Alice with { Resource = "phone" }, routed.From);
        Assert.AreEqual(Bob, routed.To);
    }

    [TestMethod]
    public async Task ResourcesAreAggregatedPerWatcherIntoTheFullDocument()
    {
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", id: "1",
            content: [new XElement(S + "show", "away"), new XElement(S + "status", new XAttribute(XNamespace.Xml + "lang", "en"), "walking")]));
        var first = await SipEventAsync(0);
        await ProsodySendsAsync(Presence("alice@a.test/laptop", "bob@b.test", id: "2", content: new XElement(S + "priority", "5")));
        var second = await SipEventAsync(1);
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", "unavailable", "3"));
        var third = await SipEventAsync(2);
        await ProsodySendsAsync(Presence("alice@a.test/laptop", "bob@b.test", id: "4", content: new XElement(S + "show", "dnd")));
        var fourth = await SipEventAsync(3);

        var phone = new PresenceSource("phone", PresenceAvailability.Available, PresenceShow.Away, Texts(("en", "walking")));
        var laptop = PresenceSource.Online("laptop") with { Priority = 5 };
        Assert.AreEqual(new PresenceEvent(PresenceEventKind.Notify, Alice, Bob, new PresenceDocument(Alice, [phone])), first);
        Assert.AreEqual(PresenceEventKind.Notify, second.Kind);
        CollectionAssert.AreEquivalent(new[] { phone, laptop }, second.Document!.Sources.ToArray());
        // The resource that signed off is reported unavailable once, beside the one still online...
        CollectionAssert.AreEquivalent(new[] { PresenceSource.Offline("phone"), laptop }, third.Document!.Sources.ToArray());
        Assert.IsTrue(third.Document.IsAvailable);
        // ...and then forgotten.
        CollectionAssert.AreEqual(new[] { laptop with { Priority = 0, Show = PresenceShow.DoNotDisturb } }, fourth.Document!.Sources.ToArray());
    }

    [TestMethod]
    public async Task APresenceServiceNotAllowedIsAnsweredWithNotAllowed()
    {
        var valid = TestConfigs.Valid();
        _config.Swap(valid with
        {
            Peerings = [new PeeringConfig(["a.test", "b.test"], [BridgeService.Message])],
        });

        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", "subscribe", "sub1"));
        var reply = await AtProsodyAsync();

        Assert.AreEqual("error", (string?)reply.Attribute("type"));
        Assert.AreEqual("sub1", (string?)reply.Attribute("id"));
        Assert.AreEqual("bob@b.test", (string?)reply.Attribute("from"));
        Assert.AreEqual("alice@a.test/phone", (string?)reply.Attribute("to"));
        Assert.IsNotNull(reply.Element(S + "error")?.Element(Errors + "not-allowed"), reply.ToString());
        Assert.IsEmpty(_sip.Presence);
    }

    [TestMethod]
    public async Task ErrorsAndUnavailableAreNeverAnsweredWithAnError()
    {
        _sip.PresenceAnswer = _ => DeliveryResult.Fail(DeliveryFailure.ServiceUnavailable, "SIP side down");

        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", "error", "err1",
            new XElement(S + "error", new XAttribute("type", "cancel"), new XElement(Errors + "item-not-found"))));
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", "unavailable", "off1"));
        // Malformed, but an unavailable all the same: still no error back.
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", "unavailable", "off2", new XElement(S + "priority", "999")));
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", id: "on1"));
        var reply = await AtProsodyAsync();
        await SipEventAsync(1);
        await Task.Delay(200); // room for a wrong reply to the first two to show up

        Assert.AreEqual("on1", (string?)reply.Attribute("id"), reply.ToString());
        Assert.IsNotNull(reply.Element(S + "error")?.Element(Errors + "service-unavailable"), reply.ToString());
        Assert.IsFalse(_atProsody.Reader.TryRead(out var extra), extra?.ToString());
        // The error stanza was not routed: only the unavailable and the available presence were.
        Assert.HasCount(2, _sip.Presence);
        Assert.IsTrue(_sip.Presence.All(p => p.Kind == PresenceEventKind.Notify));
    }

    [TestMethod]
    public async Task AnErrorAnsweringOurSubscribeIsARefusal()
    {
        var delivered = await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, Bob, Alice), Guard());
        Assert.IsTrue(delivered.Delivered, delivered.Error?.ToString());
        var subscribe = await AtProsodyAsync();

        await ProsodySendsAsync(StanzaErrors.CreateErrorReply(subscribe, "forbidden"));
        var routed = await SipEventAsync(0);

        Assert.AreEqual(PresenceEventKind.Unsubscribed, routed.Kind);
        Assert.AreEqual(Alice, routed.From);
        Assert.AreEqual(Bob, routed.To);
        Assert.AreEqual("forbidden", routed.Reason);
    }

    [TestMethod]
    [DataRow("<show>sleeping</show>", "bad-request")]
    [DataRow("<priority>999</priority>", "bad-request")]
    public async Task MalformedPresenceIsAnsweredWithTheTranslatorsCondition(string content, string condition)
    {
        var child = XElement.Parse($"<x xmlns='jabber:server'>{content}</x>").Elements().Single();
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", id: "bad", content: child));
        var reply = await AtProsodyAsync();

        Assert.AreEqual("bad", (string?)reply.Attribute("id"));
        Assert.IsNotNull(reply.Element(S + "error")?.Element(Errors + condition), reply.ToString());
        Assert.IsEmpty(_sip.Presence);
    }

    [TestMethod]
    public async Task PresenceToTheSipDomainItselfIsIgnored()
    {
        await ProsodySendsAsync(Presence("alice@a.test/phone", "b.test", "probe", "dom"));
        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", "probe", "user"));
        var routed = await SipEventAsync(0);
        await Task.Delay(100);

        Assert.AreEqual(Bob, routed.To);
        Assert.HasCount(1, _sip.Presence);
        Assert.IsFalse(_atProsody.Reader.TryRead(out _));
    }

    // ---- SIP -> XMPP ----

    [TestMethod]
    [DataRow(PresenceEventKind.Subscribe, "subscribe")]
    [DataRow(PresenceEventKind.Unsubscribe, "unsubscribe")]
    [DataRow(PresenceEventKind.Subscribed, "subscribed")]
    [DataRow(PresenceEventKind.Unsubscribed, "unsubscribed")]
    [DataRow(PresenceEventKind.Probe, "probe")]
    public async Task SubscriptionEventsBecomeStanzasBetweenBareJids(PresenceEventKind kind, string type)
    {
        // Resources on both ends: the stanza must still go between bare JIDs (RFC 6121 §3).
        var delivered = await _frontEnd.DeliverPresenceAsync(new PresenceEvent(kind, Bob with { Resource = "desk" }, Alice with { Resource = "phone" }), Guard());
        var stanza = await AtProsodyAsync();

        Assert.IsTrue(delivered.Delivered, delivered.Error?.ToString());
        Assert.AreEqual(S + "presence", stanza.Name);
        Assert.AreEqual(type, (string?)stanza.Attribute("type"));
        Assert.AreEqual("bob@b.test", (string?)stanza.Attribute("from"));
        Assert.AreEqual("alice@a.test", (string?)stanza.Attribute("to"));
    }

    [TestMethod]
    public async Task ANotifyBecomesOneStanzaPerSourceAndRetractsVanishedResources()
    {
        var phone = new PresenceSource("phone", PresenceAvailability.Available, PresenceShow.DoNotDisturb,
            Texts(("", "Meeting"), ("de", "Besprechung")), Priority: 5);
        var desk = PresenceSource.Online("desk");
        var first = await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Notify, Bob, Alice, new PresenceDocument(Bob, [phone, desk])), Guard());
        var phoneStanza = await AtProsodyAsync();
        var deskStanza = await AtProsodyAsync();

        Assert.IsTrue(first.Delivered, first.Error?.ToString());
        Assert.AreEqual("bob@b.test/phone", (string?)phoneStanza.Attribute("from"));
        Assert.AreEqual("alice@a.test", (string?)phoneStanza.Attribute("to"));
        Assert.IsNull(phoneStanza.Attribute("type"));
        Assert.AreEqual("dnd", phoneStanza.Element(S + "show")?.Value);
        Assert.AreEqual("5", phoneStanza.Element(S + "priority")?.Value);
        var statuses = phoneStanza.Elements(S + "status").ToDictionary(s => (string?)s.Attribute(XNamespace.Xml + "lang") ?? "", s => s.Value);
        Assert.AreEqual("Meeting", statuses[""]);
        Assert.AreEqual("Besprechung", statuses["de"]);
        Assert.AreEqual("bob@b.test/desk", (string?)deskStanza.Attribute("from"));
        Assert.IsNull(deskStanza.Element(S + "show"));

        // The phone left the document without a word: it gets retracted explicitly.
        var second = await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Notify, Bob, Alice, new PresenceDocument(Bob, [desk with { Show = PresenceShow.Away }])), Guard());
        var deskAway = await AtProsodyAsync();
        var phoneGone = await AtProsodyAsync();

        Assert.IsTrue(second.Delivered);
        Assert.AreEqual("bob@b.test/desk", (string?)deskAway.Attribute("from"));
        Assert.AreEqual("away", deskAway.Element(S + "show")?.Value);
        Assert.AreEqual("bob@b.test/phone", (string?)phoneGone.Attribute("from"));
        Assert.AreEqual("unavailable", (string?)phoneGone.Attribute("type"));
    }

    [TestMethod]
    public async Task AnOfflineNotifyWithNothingAnnouncedIsOneUnavailableFromTheBareJidToTheGivenJid()
    {
        var offline = PresenceSource.Offline("desk") with { Status = Texts(("", "back Monday")) };
        var result = await _frontEnd.DeliverPresenceAsync(
            new PresenceEvent(PresenceEventKind.Notify, Bob, Alice with { Resource = "phone" }, new PresenceDocument(Bob, [offline])), Guard());
        var stanza = await AtProsodyAsync();
        await Task.Delay(100);

        Assert.IsTrue(result.Delivered);
        Assert.AreEqual("bob@b.test", (string?)stanza.Attribute("from"));
        Assert.AreEqual("alice@a.test/phone", (string?)stanza.Attribute("to"));
        Assert.AreEqual("unavailable", (string?)stanza.Attribute("type"));
        Assert.AreEqual("back Monday", stanza.Element(S + "status")?.Value);
        Assert.IsFalse(_atProsody.Reader.TryRead(out _));
    }

    [TestMethod]
    public async Task WhenTheXmppWatcherUnsubscribesTheAnnouncedResourcesAreRetracted()
    {
        await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Notify, Bob, Alice, new PresenceDocument(Bob, [PresenceSource.Online("desk")])), Guard());
        await AtProsodyAsync();

        await ProsodySendsAsync(Presence("alice@a.test/phone", "bob@b.test", "unsubscribe", "u1"));
        var retraction = await AtProsodyAsync();
        var routed = await SipEventAsync(0);

        Assert.AreEqual(PresenceEventKind.Unsubscribe, routed.Kind);
        Assert.AreEqual("bob@b.test/desk", (string?)retraction.Attribute("from"));
        Assert.AreEqual("alice@a.test", (string?)retraction.Attribute("to"));
        Assert.AreEqual("unavailable", (string?)retraction.Attribute("type"));
    }

    [TestMethod]
    public async Task ARefusedSendIsTheMappedFailure()
    {
        var result = await _frontEnd.DeliverPresenceAsync(
            new PresenceEvent(PresenceEventKind.Notify, Bob, new ChatAddress("carol", "c.test"), new PresenceDocument(Bob, [PresenceSource.Online("")])), Guard());

        Assert.AreEqual(DeliveryFailure.NotAllowed, result.Error?.Failure);
    }
}

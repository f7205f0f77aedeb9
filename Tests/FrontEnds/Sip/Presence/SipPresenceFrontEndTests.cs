using System.Net;
using System.Text;
using System.Threading.Channels;
using Bridge.FrontEnds.Sip;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Bridge.Mapping.Storage;
using Bridge.Sip;
using Bridge.Tests.Mapping.Configuration;
using Bridge.Tests.Mapping.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.FrontEnds.Sip.Presence;

/// <summary>
/// Presence through the SIP front-end over real loopback sockets: a second <see cref="SipStack"/> plays Kamailio
/// for b.test, a <see cref="FakeFrontEnd"/> the XMPP side. Subscription timers run on a fake clock.
/// </summary>
[TestClass]
public sealed partial class SipPresenceFrontEndTests
{
    private const string PeerTag = "kam1";
    private const string OpenPidf = "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:bob@b.test\"><tuple id=\"t1\"><status><basic>open</basic></status></tuple></presence>";
    private static readonly ChatAddress Alice = new("alice", "a.test");
    private static readonly ChatAddress Bob = new("bob", "b.test");

    private readonly List<(SipStack Stack, SipFrontEnd FrontEnd)> _bridges = [];
    private SipStack _peer = null!;
    private FakeFrontEnd _xmpp = null!;
    private TestConfigSource _config = null!;
    private FakeTimeProvider _time = null!;
    private InMemorySubscriptionStore _store = null!;
    private SipFrontEnd _frontEnd = null!;
    private SipEndPoint _bridge = null!;
    private Channel<SipRequest> _received = null!;
    private CancellationTokenSource _cts = null!;

    /// <summary>How the fake Kamailio answers; default 200 with its tag, a Contact and Expires 3600.</summary>
    private Func<SipRequest, SipResponse>? _peerAnswer;

    [TestInitialize]
    public async Task Start()
    {
        _cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        _received = Channel.CreateUnbounded<SipRequest>();
        var loopback = new SipEndPoint(SipTransport.Udp, new IPEndPoint(IPAddress.Loopback, 0));
        _peer = new SipStack(new SipStackOptions([loopback], new SipParserLimits()), TimeProvider.System, NullLogger<SipStack>.Instance)
        {
            RequestHandler = async t =>
            {
                await _received.Writer.WriteAsync(t.Request);
                await t.SendResponseAsync((_peerAnswer ?? DefaultAnswer)(t.Request));
            },
        };
        await _peer.StartAsync(CancellationToken.None);
        _config = new TestConfigSource(WithB(new RouteTarget("127.0.0.1", _peer.BoundEndPoints[0].EndPoint.Port, TransportKind.Udp), IPAddress.Loopback));
        _time = new FakeTimeProvider();
        _store = new InMemorySubscriptionStore();
        _xmpp = new FakeFrontEnd(DomainProtocol.Xmpp);
        await StartBridgeAsync();
    }

    [TestCleanup]
    public async Task Stop()
    {
        foreach (var (stack, frontEnd) in _bridges)
        {
            await frontEnd.StopAsync(CancellationToken.None);
            await stack.DisposeAsync();
        }
        await _peer.DisposeAsync();
        _cts.Dispose();
    }

    private async Task StartBridgeAsync()
    {
        var stack = new SipStack(new SipStackOptions([new SipEndPoint(SipTransport.Udp, new IPEndPoint(IPAddress.Loopback, 0))], new SipParserLimits()), TimeProvider.System, NullLogger<SipStack>.Instance);
        MessageRouter? router = null;
        PresenceRouter? presence = null;
        var frontEnd = new SipFrontEnd(stack, _config, new Lazy<MessageRouter>(() => router!), new Lazy<PresenceRouter>(() => presence!), _store, _time, NullLogger<SipFrontEnd>.Instance);
        var limiter = new PeerRateLimiter(_config, _time, NullLogger<PeerRateLimiter>.Instance);
        router = new MessageRouter(new PeeringPolicy(_config), [frontEnd, _xmpp], _config, NullLogger<MessageRouter>.Instance, limiter);
        presence = new PresenceRouter(new PeeringPolicy(_config), [frontEnd, _xmpp], NullLogger<PresenceRouter>.Instance, limiter);
        _bridges.Add((stack, frontEnd));
        _frontEnd = frontEnd;
        await frontEnd.StartAsync(CancellationToken.None);
        await frontEnd.StartedAsync(CancellationToken.None); // the host's order: every StartAsync, then StartedAsync
        _bridge = stack.BoundEndPoints[0];
    }

    private static BridgeConfig WithB(RouteTarget route, params IPAddress[] trusted)
    {
        var valid = TestConfigs.Valid();
        return valid with
        {
            Domains = BridgeConfig.CreateDomains(valid.Domains.Values.Select(d => d.Name == "b.test" ? d with { Route = route, TrustedAddresses = [.. trusted] } : d)),
        };
    }

    private SipResponse DefaultAnswer(SipRequest request)
    {
        var response = _peer.CreateResponse(request, 200);
        if (request.Method == "SUBSCRIBE" && request.To is { Tag: null } to)
        {
            response.Headers.Set("To", to.WithTag(PeerTag).ToString());
        }
        if (request.Method == "SUBSCRIBE")
        {
            response.Headers.Add("Contact", $"<sip:bob@127.0.0.1:{_peer.BoundEndPoints[0].EndPoint.Port}>");
            response.Headers.Add("Expires", request.Headers["Expires"] ?? "3600");
        }
        return response;
    }

    private async Task<SipRequest> NextAsync(string method)
    {
        while (true)
        {
            var request = await _received.Reader.ReadAsync(_cts.Token);
            if (request.Method == method)
            {
                return request;
            }
        }
    }

    private List<PresenceEvent> Routed()
    {
        lock (_xmpp.Presence)
        {
            return [.. _xmpp.Presence];
        }
    }

    /// <summary>A NOTIFY from the fake Kamailio in the dialog the bridge's SUBSCRIBE created.</summary>
    private Task<SipResponse> PeerNotifiesAsync(SipRequest subscribe, int cseq, string state, string? pidf = null) =>
        PeerNotifiesAsync(subscribe, cseq, state, pidf is null ? null : "application/pidf+xml", pidf);

    private Task<SipResponse> PeerNotifiesAsync(SipRequest subscribe, int cseq, string state, string? contentType, string? body)
    {
        var notify = new SipRequest("NOTIFY", subscribe.Headers["Contact"]!.Trim('<', '>'));
        notify.Headers.Add("From", $"<sip:bob@b.test>;tag={PeerTag}");
        notify.Headers.Add("To", subscribe.Headers["From"]!);
        notify.Headers.Add("Call-ID", subscribe.CallId!);
        notify.Headers.Add("CSeq", $"{cseq} NOTIFY");
        notify.Headers.Add("Contact", $"<sip:bob@127.0.0.1:{_peer.BoundEndPoints[0].EndPoint.Port}>");
        notify.Headers.Add("Event", "presence");
        notify.Headers.Add("Subscription-State", state);
        if (body is not null)
        {
            notify.Headers.Add("Content-Type", contentType!);
            notify.Body = Encoding.UTF8.GetBytes(body);
        }
        notify.Headers.Add("Content-Length", notify.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return _peer.SendRequestAsync(notify, _bridge, _cts.Token);
    }

    private async Task<SipRequest> XmppSubscribesAsync()
    {
        var result = await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob), _cts.Token);
        Assert.IsTrue(result.Delivered, result.Error?.ToString());
        return await NextAsync("SUBSCRIBE");
    }

    private async Task<SipRequest> ActiveSubscriptionAsync()
    {
        var subscribe = await XmppSubscribesAsync();
        Assert.AreEqual(200, (await PeerNotifiesAsync(subscribe, 1, "active;expires=3600", OpenPidf)).StatusCode);
        return subscribe;
    }

    [TestMethod]
    public async Task SubscribeSendsASubscribeWithPresenceHeadersToTheRoute()
    {
        var subscribe = await XmppSubscribesAsync();
        Assert.AreEqual("sip:bob@b.test", subscribe.RequestUri);
        Assert.AreEqual("sip:alice@a.test", subscribe.From!.Uri);
        Assert.IsNotNull(subscribe.From.Tag);
        Assert.AreEqual("sip:bob@b.test", subscribe.To!.Uri);
        Assert.AreEqual("presence", subscribe.Headers["Event"]);
        Assert.AreEqual("application/pidf+xml, application/rlmi+xml, multipart/related", subscribe.Headers["Accept"]);
        Assert.AreEqual("eventlist", subscribe.Headers["Supported"], "RFC 4662 §4.1: the URI may be a list");
        Assert.AreEqual("3600", subscribe.Headers["Expires"]);
        Assert.AreEqual($"<sip:alice@127.0.0.1:{_bridge.EndPoint.Port}>", subscribe.Headers["Contact"]);
        var stored = await _store.LoadAsync(CancellationToken.None);
        Assert.AreEqual(SubscriptionRole.XmppWatcher, stored.Single().Role);

        // Asked again while live: no second SUBSCRIBE.
        Assert.IsTrue((await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob), _cts.Token)).Delivered);
        Assert.IsFalse(_received.Reader.TryRead(out _));
    }

    [TestMethod]
    public async Task ASubscribeRefusedBySipFailsTheDelivery()
    {
        _peerAnswer = r => _peer.CreateResponse(r, 404);
        var result = await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribe, Alice, Bob), _cts.Token);
        Assert.AreEqual(404, result.Error?.SipStatus);
        Assert.IsEmpty(await _store.LoadAsync(CancellationToken.None));
    }

    [TestMethod]
    public async Task ActiveNotifyRoutesSubscribedOnceThenEveryDocument()
    {
        var subscribe = await ActiveSubscriptionAsync();
        var routed = Routed();
        Assert.HasCount(2, routed);
        Assert.AreEqual(new PresenceEvent(PresenceEventKind.Subscribed, Bob, Alice), routed[0]);
        Assert.AreEqual(PresenceEventKind.Notify, routed[1].Kind);
        Assert.AreEqual(Alice, routed[1].To);
        Assert.IsTrue(routed[1].Document!.IsAvailable);

        Assert.AreEqual(200, (await PeerNotifiesAsync(subscribe, 2, "active;expires=3500")).StatusCode);
        routed = Routed();
        Assert.HasCount(3, routed);
        Assert.AreEqual(PresenceEventKind.Notify, routed[2].Kind);
        Assert.IsEmpty(routed[2].Document!.Sources, "no body = no sources");
        Assert.AreEqual("active", (await _store.LoadAsync(CancellationToken.None)).Single().State);
    }

    [TestMethod]
    public async Task PendingNotifyRoutesNothing()
    {
        var subscribe = await XmppSubscribesAsync();
        Assert.AreEqual(200, (await PeerNotifiesAsync(subscribe, 1, "pending;expires=3600")).StatusCode);
        Assert.IsEmpty(Routed());
    }

    [TestMethod]
    public async Task TerminatedRejectedRoutesUnsubscribedAndForgets()
    {
        var subscribe = await ActiveSubscriptionAsync();
        Assert.AreEqual(200, (await PeerNotifiesAsync(subscribe, 2, "terminated;reason=rejected")).StatusCode);
        Assert.AreEqual(new PresenceEvent(PresenceEventKind.Unsubscribed, Bob, Alice, Reason: "rejected"), Routed()[^1]);
        Assert.IsEmpty(await _store.LoadAsync(CancellationToken.None));
        Assert.AreEqual(481, (await PeerNotifiesAsync(subscribe, 3, "active")).StatusCode);
    }

    [TestMethod]
    public async Task TerminatedTimeoutResubscribesWithoutTellingXmpp()
    {
        var subscribe = await ActiveSubscriptionAsync();
        Assert.AreEqual(200, (await PeerNotifiesAsync(subscribe, 2, "terminated;reason=timeout")).StatusCode);
        var again = await NextAsync("SUBSCRIBE");
        Assert.AreNotEqual(subscribe.CallId, again.CallId);
        Assert.IsNull(again.To!.Tag);
        Assert.IsFalse(Routed().Any(e => e.Kind == PresenceEventKind.Unsubscribed));
        Assert.AreEqual(200, (await PeerNotifiesAsync(again, 1, "active", OpenPidf)).StatusCode);
        Assert.AreEqual(1, Routed().Count(e => e.Kind == PresenceEventKind.Subscribed), "XMPP already had subscribed");
    }

    [TestMethod]
    public async Task TheBridgeRefreshesBeforeExpiry()
    {
        var subscribe = await ActiveSubscriptionAsync();
        _time.Advance(SipSubscriber.RefreshDelay(TimeSpan.FromSeconds(3600)));
        var refresh = await NextAsync("SUBSCRIBE");
        Assert.AreEqual(subscribe.CallId, refresh.CallId);
        Assert.AreEqual(PeerTag, refresh.To!.Tag);
        Assert.AreEqual("2 SUBSCRIBE", refresh.Headers["CSeq"]);
    }

    [TestMethod]
    public async Task UnsubscribeSendsExpiresZeroAndDeletesTheRecord()
    {
        var subscribe = await ActiveSubscriptionAsync();
        Assert.IsTrue((await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Unsubscribe, Alice, Bob), _cts.Token)).Delivered);
        var unsubscribe = await NextAsync("SUBSCRIBE");
        Assert.AreEqual(subscribe.CallId, unsubscribe.CallId);
        Assert.AreEqual("0", unsubscribe.Headers["Expires"]);
        Assert.IsEmpty(await _store.LoadAsync(CancellationToken.None));
        Assert.AreEqual(200, (await PeerNotifiesAsync(subscribe, 2, "terminated;reason=timeout")).StatusCode);
        Assert.IsFalse(Routed().Any(e => e.Kind == PresenceEventKind.Unsubscribed));
    }

    [TestMethod]
    public async Task AProbeIsAnsweredFromTheLiveSubscription()
    {
        await ActiveSubscriptionAsync();
        var before = Routed().Count;
        var full = new ChatAddress("alice", "a.test", "phone");
        Assert.IsTrue((await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Probe, full, Bob), _cts.Token)).Delivered);
        var answer = Routed()[before];
        Assert.AreEqual(PresenceEventKind.Notify, answer.Kind);
        Assert.AreEqual(full, answer.To);
        Assert.IsTrue(answer.Document!.IsAvailable);
        Assert.IsFalse(_received.Reader.TryRead(out _), "no SUBSCRIBE for a known state");
    }

    [TestMethod]
    public async Task AProbeWithoutStateFetchesOnce()
    {
        var full = new ChatAddress("alice", "a.test", "phone");
        Assert.IsTrue((await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Probe, full, Bob), _cts.Token)).Delivered);
        var fetch = await NextAsync("SUBSCRIBE");
        Assert.AreEqual("0", fetch.Headers["Expires"]);
        Assert.AreEqual(200, (await PeerNotifiesAsync(fetch, 1, "terminated;reason=timeout", OpenPidf)).StatusCode);
        var answer = Routed().Single();
        Assert.AreEqual(PresenceEventKind.Notify, answer.Kind);
        Assert.AreEqual(full, answer.To);
        Assert.IsTrue(answer.Document!.IsAvailable);
        Assert.IsEmpty(await _store.LoadAsync(CancellationToken.None));
    }

    [TestMethod]
    public async Task ANotifyForNoSubscriptionGets481()
    {
        var stray = new SipRequest("SUBSCRIBE", "sip:bob@b.test");
        stray.Headers.Add("From", "<sip:alice@a.test>;tag=zz");
        stray.Headers.Add("Call-ID", "unknown@x");
        stray.Headers.Add("Contact", $"<sip:alice@127.0.0.1:{_bridge.EndPoint.Port}>");
        Assert.AreEqual(481, (await PeerNotifiesAsync(stray, 1, "active", OpenPidf)).StatusCode);
    }

    [TestMethod]
    public async Task OptionsAllowsSubscribeAndNotify()
    {
        var options = new SipRequest("OPTIONS", "sip:alice@a.test");
        options.Headers.Add("From", "<sip:bob@b.test>;tag=o1");
        options.Headers.Add("To", "<sip:alice@a.test>");
        options.Headers.Add("Call-ID", "opt@x");
        options.Headers.Add("CSeq", "1 OPTIONS");
        var response = await _peer.SendRequestAsync(options, _bridge, _cts.Token);
        StringAssert.Contains(response.Headers["Allow"], "SUBSCRIBE");
        StringAssert.Contains(response.Headers["Allow"], "NOTIFY");
    }
}

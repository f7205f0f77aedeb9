using System.Net;
using Bridge.FrontEnds.Sip;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Routing;
using Bridge.Mapping.Storage;
using Bridge.Sip;
using Bridge.Tests.Mapping.Configuration;
using Bridge.Tests.Mapping.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.FrontEnds;

/// <summary>
/// The SIP front-end over real loopback sockets: a second <see cref="SipStack"/> plays the b.test
/// server, and an in-process fake stands in for the XMPP side.
/// </summary>
[TestClass]
public sealed class SipFrontEndTests
{
    private SipStack _bridgeStack = null!;
    private SipStack _peer = null!;
    private SipFrontEnd _frontEnd = null!;
    private FakeFrontEnd _xmpp = null!;
    private TestConfigSource _config = null!;
    private SipEndPoint _bridge = null!;
    private Func<SipServerTransaction, Task>? _peerAnswer;
    private readonly FakeTimeProvider _limiterClock = new();

    [TestInitialize]
    public async Task Start()
    {
        var loopback = new SipEndPoint(SipTransport.Udp, new IPEndPoint(IPAddress.Loopback, 0));
        _peer = new SipStack(new SipStackOptions([loopback], new SipParserLimits()), TimeProvider.System, NullLogger<SipStack>.Instance)
        {
            RequestHandler = t => (_peerAnswer ?? (x => x.SendResponseAsync(_peer.CreateResponse(x.Request, 200))))(t),
        };
        await _peer.StartAsync(CancellationToken.None);
        var peerPort = _peer.BoundEndPoints[0].EndPoint.Port;
        _config = new TestConfigSource(WithB(new RouteTarget("127.0.0.1", peerPort, TransportKind.Udp), IPAddress.Loopback));

        _bridgeStack = new SipStack(new SipStackOptions([loopback], new SipParserLimits()), TimeProvider.System, NullLogger<SipStack>.Instance);
        _xmpp = new FakeFrontEnd(DomainProtocol.Xmpp) { AnswerAsynchronously = true };
        MessageRouter? router = null;
        PresenceRouter? presenceRouter = null;
        _frontEnd = new SipFrontEnd(_bridgeStack, _config, new Lazy<MessageRouter>(() => router!), new Lazy<PresenceRouter>(() => presenceRouter!),
            new InMemorySubscriptionStore(), TimeProvider.System, NullLogger<SipFrontEnd>.Instance);
        var limiter = new PeerRateLimiter(_config, _limiterClock, NullLogger<PeerRateLimiter>.Instance);
        presenceRouter = new PresenceRouter(new PeeringPolicy(_config), [_frontEnd, _xmpp], NullLogger<PresenceRouter>.Instance, limiter);
        router = new MessageRouter(new PeeringPolicy(_config), [_frontEnd, _xmpp], _config, NullLogger<MessageRouter>.Instance, limiter);
        await _frontEnd.StartAsync(CancellationToken.None);
        _bridge = _bridgeStack.BoundEndPoints[0];
    }

    [TestCleanup]
    public async Task Stop()
    {
        await _frontEnd.StopAsync(CancellationToken.None);
        await _peer.DisposeAsync();
        await _bridgeStack.DisposeAsync();
    }

    private static BridgeConfig WithB(RouteTarget route, params IPAddress[] trusted)
    {
        var valid = TestConfigs.Valid();
        return valid with
        {
            Domains = BridgeConfig.CreateDomains(valid.Domains.Values.Select(d => d.Name == "b.test" ? d with { Route = route, TrustedAddresses = [.. trusted] } : d)),
        };
    }

    private Task<SipResponse> PeerSendsAsync(string from, string body) =>
        _peer.SendRequestAsync(
            SipMessageTranslator.ToSip(new InstantMessage("x", new ChatAddress(from, from == "mallory" ? "c.test" : "b.test"), new ChatAddress("alice", "a.test"), body)),
            _bridge, CancellationToken.None);

    [TestMethod]
    public async Task AMessageFromTheTrustedPeerIsRoutedAndAnswered200()
    {
        var response = await PeerSendsAsync("bob", "hello alice");
        Assert.AreEqual(200, response.StatusCode, response.Headers["Warning"]);
        Assert.HasCount(1, _xmpp.Messages);
        Assert.AreEqual("hello alice", _xmpp.Messages[0].Body);
        Assert.AreEqual(new ChatAddress("bob", "b.test"), _xmpp.Messages[0].From);
    }

    [TestMethod]
    public async Task MessagesOverTheDomainsRateGet503WithRetryAfter()
    {
        _config.Swap(_config.Current with { Limits = RateLimitSettings.None with { Default = new PeerLimits(MessagesPerSecond: 3) } });
        var statuses = new List<SipResponse>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await PeerSendsAsync("bob", $"burst {i}"));
        }

        CollectionAssert.AreEqual(new[] { 200, 200, 200, 503, 503 }, statuses.Select(r => r.StatusCode).ToArray());
        Assert.AreEqual("1", statuses[3].Headers["Retry-After"]);
        StringAssert.Contains(statuses[3].Headers["Warning"], "faster than the bridge allows");
        Assert.HasCount(3, _xmpp.Messages);

        _limiterClock.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(200, (await PeerSendsAsync("bob", "after a second")).StatusCode);
        Assert.HasCount(4, _xmpp.Messages);
    }

    [TestMethod]
    public async Task AnXmppSideFailureBecomesTheMappedSipStatus()
    {
        _xmpp.Answer = _ => DeliveryResult.Fail(DeliveryFailure.RecipientUnavailable, "offline");
        var response = await PeerSendsAsync("bob", "anyone?");
        Assert.AreEqual(480, response.StatusCode);
        StringAssert.Contains(response.Headers["Warning"], "offline");
    }

    [TestMethod]
    public async Task AFromDomainOtherThanTheTrustedPeersIsRefused()
    {
        var response = await PeerSendsAsync("mallory", "spoofed");
        Assert.AreEqual(403, response.StatusCode);
        Assert.IsEmpty(_xmpp.Messages);
    }

    [TestMethod]
    public async Task AnUntrustedSourceIsRefused()
    {
        _config.Swap(WithB(_config.Current.Domains["b.test"].Route!, IPAddress.Parse("127.0.0.9")));
        var response = await PeerSendsAsync("bob", "hello");
        Assert.AreEqual(403, response.StatusCode);
        Assert.IsEmpty(_xmpp.Messages);
    }

    [TestMethod]
    public async Task DeliveryToSipMapsTheFinalResponse()
    {
        var message = new InstantMessage("m1", new ChatAddress("alice", "a.test"), new ChatAddress("bob", "b.test"), "hi bob");
        Assert.IsTrue((await _frontEnd.DeliverMessageAsync(message, CancellationToken.None)).Delivered);

        _peerAnswer = t => t.SendResponseAsync(_peer.CreateResponse(t.Request, 404));
        var failed = await _frontEnd.DeliverMessageAsync(message, CancellationToken.None);
        Assert.AreEqual(DeliveryFailure.ItemNotFound, failed.Error?.Failure);
        Assert.AreEqual(404, failed.Error?.SipStatus);
    }
}

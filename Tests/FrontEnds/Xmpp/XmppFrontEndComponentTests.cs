using System.Net.Sockets;
using System.Xml.Linq;
using Bridge.FrontEnds.Xmpp;
using Bridge.FrontEnds.Xmpp.Presence;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Bridge.Net;
using Bridge.Tests.Mapping.Configuration;
using Bridge.Tests.Mapping.Routing;
using Bridge.Tests.Xmpp.Component;
using Bridge.Xmpp;
using Bridge.Xmpp.Component;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.FrontEnds.Xmpp;

/// <summary>
/// The XMPP front-end over an XEP-0114 component link instead of S2S: the same messages and errors, with the
/// peering policy applied to each stanza's 'from'. A fake component port plays Prosody; a fake SIP side answers.
/// </summary>
[TestClass]
public sealed class XmppFrontEndComponentTests
{
    private static readonly XNamespace Accept = FakeComponentServer.Accept;
    private static readonly XNamespace Errors = "urn:ietf:params:xml:ns:xmpp-stanzas";

    private FakeComponentServer _prosody = null!;
    private ComponentClient _link = null!;
    private XmppFrontEnd _frontEnd = null!;
    private FakeFrontEnd _sip = null!;
    private MessageRouter _router = null!;

    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private async Task StartAsync(TimeProvider time, Func<CancellationToken, Task<StreamConnection>>? connect = null)
    {
        _prosody = new FakeComponentServer("secret");
        var config = new TestConfigSource(TestConfigs.Valid());
        var policy = new PeeringPolicy(config);
        _link = new ComponentClient(
            new ComponentOptions("127.0.0.1", _prosody.EndPoint.Port, "b.test", "secret")
            {
                IsPeerAllowed = (local, remote) => policy.CheckLink(remote, DomainProtocol.Xmpp, local).IsAllowed,
                QueueDeadline = TimeSpan.FromSeconds(30),
            },
            time, NullLoggerFactory.Instance, connect);
        _sip = new FakeFrontEnd(DomainProtocol.Sip);
        MessageRouter? messages = null;
        PresenceRouter? presence = null;
        _frontEnd = new XmppFrontEnd(_link, new Lazy<MessageRouter>(() => messages!), new Lazy<PresenceRouter>(() => presence!),
            new InMemoryXmppPresenceCache(), time, NullLogger<XmppFrontEnd>.Instance);
        messages = new MessageRouter(policy, [_frontEnd, _sip], config, NullLogger<MessageRouter>.Instance);
        presence = new PresenceRouter(policy, [_frontEnd, _sip], NullLogger<PresenceRouter>.Instance);
        _router = messages;
        await _frontEnd.StartAsync(CancellationToken.None);
    }

    [TestCleanup]
    public async Task Stop()
    {
        await _frontEnd.StopAsync(CancellationToken.None);
        await _link.DisposeAsync();
        await _prosody.DisposeAsync();
    }

    private static string Message(string from, string to, string id, string body) =>
        new XElement(Accept + "message", new XAttribute("from", from), new XAttribute("to", to), new XAttribute("id", id),
            new XAttribute("type", "chat"), new XElement(Accept + "body", body)).ToString(SaveOptions.DisableFormatting);

    [TestMethod]
    public async Task MessagesCrossBothWays()
    {
        await StartAsync(TimeProvider.System);
        Assert.IsTrue(await _prosody.AcceptAsync(Guard()));

        await _prosody.SendAsync(Message("alice@a.test/home", "bob@b.test", "m1", "hello bob"), Guard());
        var toBob = await WaitForSipMessageAsync();
        Assert.AreEqual("hello bob", toBob.Body);
        Assert.AreEqual(new ChatAddress("alice", "a.test", "home"), toBob.From);

        var result = await _router.RouteMessageAsync(new InstantMessage("m2", new ChatAddress("bob", "b.test"), new ChatAddress("alice", "a.test", "home"), "hello alice"),
            DomainProtocol.Sip, Guard());
        Assert.IsTrue(result.Delivered, result.Error?.Text);
        var toAlice = await _prosody.NextElementAsync(Guard());
        Assert.AreEqual(Accept + "message", toAlice.Name);
        Assert.AreEqual("bob@b.test", (string?)toAlice.Attribute("from"));
        Assert.AreEqual("hello alice", toAlice.Element(Accept + "body")?.Value);
    }

    [TestMethod]
    public async Task PresenceSubscriptionsCrossBothWays()
    {
        await StartAsync(TimeProvider.System);
        Assert.IsTrue(await _prosody.AcceptAsync(Guard()));

        await _prosody.SendAsync(new XElement(Accept + "presence", new XAttribute("from", "alice@a.test"), new XAttribute("to", "bob@b.test"),
            new XAttribute("type", "subscribe"), new XAttribute("id", "p1")).ToString(SaveOptions.DisableFormatting), Guard());
        var ct = Guard();
        PresenceEvent? subscribe = null;
        while (subscribe is null)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            lock (_sip.Presence)
            {
                subscribe = _sip.Presence.FirstOrDefault();
            }
        }
        Assert.AreEqual(PresenceEventKind.Subscribe, subscribe.Kind);
        Assert.AreEqual(new ChatAddress("bob", "b.test"), subscribe.To);

        var result = await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribed, new ChatAddress("bob", "b.test"), new ChatAddress("alice", "a.test")), Guard());
        Assert.IsTrue(result.Delivered, result.Error?.Text);
        var subscribed = await _prosody.NextElementAsync(Guard());
        Assert.AreEqual(Accept + "presence", subscribed.Name);
        Assert.AreEqual("subscribed", (string?)subscribed.Attribute("type"), subscribed.ToString());
        Assert.AreEqual("bob@b.test", (string?)subscribed.Attribute("from"));
    }

    [TestMethod]
    public async Task ASipFailureComesBackToTheXmppSenderOverTheComponent()
    {
        await StartAsync(TimeProvider.System);
        Assert.IsTrue(await _prosody.AcceptAsync(Guard()));
        _sip.Answer = _ => DeliveryResult.Fail(DeliveryFailure.ItemNotFound, "no such user");

        await _prosody.SendAsync(Message("alice@a.test/home", "nobody@b.test", "m3", "anyone?"), Guard());
        var error = await _prosody.NextElementAsync(Guard());
        Assert.AreEqual("error", (string?)error.Attribute("type"), error.ToString());
        Assert.AreEqual("m3", (string?)error.Attribute("id"));
        Assert.IsNotNull(error.Descendants(Errors + "item-not-found").FirstOrDefault(), error.ToString());
    }

    [TestMethod]
    public async Task AMessageFromAnotherVhostIsRefusedAndNotRouted()
    {
        await StartAsync(TimeProvider.System);
        Assert.IsTrue(await _prosody.AcceptAsync(Guard()));

        // c.test is configured, but peered only with d.test; x.test is not configured at all.
        await _prosody.SendAsync(Message("mallory@c.test", "bob@b.test", "m4", "let me in"), Guard());
        await _prosody.SendAsync(Message("eve@x.test", "bob@b.test", "m5", "me too"), Guard());
        foreach (var id in new[] { "m4", "m5" })
        {
            var error = await _prosody.NextElementAsync(Guard());
            Assert.AreEqual(id, (string?)error.Attribute("id"));
            Assert.IsNotNull(error.Descendants(Errors + "not-allowed").FirstOrDefault(), error.ToString());
        }
        await _prosody.SendAsync(Message("alice@a.test", "bob@b.test", "m6", "control"), Guard());
        Assert.AreEqual("control", (await WaitForSipMessageAsync()).Body, "the refused ones never reached the SIP side");
    }

    [TestMethod]
    public async Task WhileTheLinkIsDownASipMessageFailsAtTheDeadlineSoItsSenderIsTold()
    {
        var time = new FakeTimeProvider();
        await StartAsync(time, _ => throw new SocketException((int)SocketError.ConnectionRefused));

        var pending = _router.RouteMessageAsync(new InstantMessage("m7", new ChatAddress("bob", "b.test"), new ChatAddress("alice", "a.test"), "are you there?"),
            DomainProtocol.Sip, Guard());
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.IsFalse(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var result = await pending.WaitAsync(Guard());
        Assert.AreEqual(DeliveryFailure.ServiceUnavailable, result.Error?.Failure, "a SIP sender hears 503");
        Assert.AreEqual(503, SipErrorMapping.ToSipStatus(result.Error!.Failure));
    }

    private async Task<InstantMessage> WaitForSipMessageAsync()
    {
        var ct = Guard();
        while (true)
        {
            lock (_sip.Messages)
            {
                if (_sip.Messages.Count > 0)
                {
                    return _sip.Messages[0];
                }
            }
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}

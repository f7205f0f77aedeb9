using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Routing;
using Bridge.Tests.Mapping.Configuration;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Mapping.Routing;

[TestClass]
public sealed class MessageRouterTests
{
    private readonly FakeFrontEnd xmpp = new(DomainProtocol.Xmpp);
    private readonly FakeFrontEnd sip = new(DomainProtocol.Sip);
    private readonly CapturingLogger<MessageRouter> log = new();
    private TestConfigSource source = new(TestConfigs.Valid());

    private static readonly ChatAddress Alice = new("alice", "a.test", "phone");
    private static readonly ChatAddress Bob = new("bob", "b.test");

    private MessageRouter CreateRouter(params IFrontEnd[] frontEnds) =>
        new(new PeeringPolicy(source), frontEnds.Length == 0 ? [xmpp, sip] : frontEnds, source, log);

    private static InstantMessage Message(ChatAddress from, ChatAddress to, string id = "m1") =>
        new(id, from, to, "secret words", Subject: "hi", Language: "en", Thread: "t1");

    [TestMethod]
    public async Task Xmpp_message_is_delivered_by_the_sip_front_end_and_logged_once()
    {
        var message = Message(Alice, Bob);
        var result = await CreateRouter().RouteMessageAsync(message, DomainProtocol.Xmpp, CancellationToken.None);

        Assert.IsTrue(result.Delivered);
        Assert.AreEqual(message, sip.Messages.Single());
        Assert.IsEmpty(xmpp.Messages);

        var line = log.Entries.Single();
        Assert.AreEqual(LogLevel.Information, line.Level);
        Assert.AreEqual("xmpp->sip", line.Properties["Direction"]);
        Assert.AreEqual("alice@a.test/phone", line.Properties["From"]);
        Assert.AreEqual("bob@b.test", line.Properties["To"]);
        Assert.AreEqual("m1", line.Properties["Id"]);
        Assert.AreEqual("delivered", line.Properties["Outcome"]);
        Assert.IsFalse(line.Properties.ContainsKey("Body"));
        Assert.DoesNotContain("secret words", line.Message);
    }

    [TestMethod]
    public async Task Sip_message_goes_to_the_xmpp_front_end()
    {
        var message = Message(Bob, Alice);
        var result = await CreateRouter().RouteMessageAsync(message, DomainProtocol.Sip, CancellationToken.None);

        Assert.IsTrue(result.Delivered);
        Assert.AreEqual(message, xmpp.Messages.Single());
        Assert.IsEmpty(sip.Messages);
        Assert.AreEqual("sip->xmpp", log.Entries.Single().Properties["Direction"]);
    }

    [TestMethod]
    public async Task Body_is_logged_only_when_configured()
    {
        source = new TestConfigSource(TestConfigs.Valid(logBodies: true));
        await CreateRouter().RouteMessageAsync(Message(Alice, Bob), DomainProtocol.Xmpp, CancellationToken.None);

        var line = log.Entries.Single();
        Assert.AreEqual(LogLevel.Information, line.Level);
        Assert.AreEqual("secret words", line.Properties["Body"]);
        Assert.Contains("secret words", line.Message);
    }

    [TestMethod]
    public async Task Destination_failure_is_returned_and_logged_as_outcome()
    {
        sip.Answer = _ => DeliveryResult.Fail(DeliveryFailure.RecipientUnavailable, "offline", 480);
        var result = await CreateRouter().RouteMessageAsync(Message(Alice, Bob), DomainProtocol.Xmpp, CancellationToken.None);

        Assert.AreEqual(new DeliveryError(DeliveryFailure.RecipientUnavailable, "offline", 480), result.Error);
        var line = log.Entries.Single();
        Assert.AreEqual(LogLevel.Information, line.Level);
        Assert.AreEqual("RecipientUnavailable: offline", line.Properties["Outcome"]);
    }

    // Refusal mapping, see MessageRouter remarks (RFC 6120 §8.3.3).
    [TestMethod]
    [DataRow("alice", "z.test", DomainProtocol.Xmpp, "bob", "b.test", DeliveryFailure.Forbidden)]            // unknown sender domain
    [DataRow("bob", "b.test", DomainProtocol.Xmpp, "alice", "a.test", DeliveryFailure.Forbidden)]            // sip domain seen on xmpp
    [DataRow("alice", "a.test", DomainProtocol.Xmpp, "bob", "z.test", DeliveryFailure.RemoteServerNotFound)] // unknown recipient domain
    [DataRow("alice", "a.test", DomainProtocol.Xmpp, "carol", "c.test", DeliveryFailure.RemoteServerNotFound)] // xmpp to xmpp
    [DataRow("alice", "a.test", DomainProtocol.Xmpp, "erin", "e.test", DeliveryFailure.RemoteServerNotFound)] // not peered
    [DataRow("carol", "c.test", DomainProtocol.Xmpp, "dave", "d.test", DeliveryFailure.NotAllowed)]           // peered for presence only
    [DataRow("dave", "d.test", DomainProtocol.Sip, "carol", "c.test", DeliveryFailure.NotAllowed)]
    public async Task Policy_refusals(string fromLocal, string fromDomain, DomainProtocol protocol, string toLocal, string toDomain, DeliveryFailure failure)
    {
        var message = Message(new ChatAddress(fromLocal, fromDomain), new ChatAddress(toLocal, toDomain));
        var result = await CreateRouter().RouteMessageAsync(message, protocol, CancellationToken.None);

        Assert.IsNotNull(result.Error);
        Assert.AreEqual(failure, result.Error.Failure);
        Assert.IsTrue(result.Error.IsPolicyRefusal);
        Assert.IsFalse(string.IsNullOrEmpty(result.Error.Text));
        Assert.IsEmpty(xmpp.Messages);
        Assert.IsEmpty(sip.Messages);

        var line = log.Entries.Single();
        Assert.AreEqual(LogLevel.Warning, line.Level);
        Assert.AreEqual(message.Id, line.Properties["Id"]);
        Assert.StartsWith(failure.ToString(), (string)line.Properties["Outcome"]!);
    }

    [TestMethod]
    public async Task Front_end_exception_becomes_internal_server_error()
    {
        sip.Answer = _ => throw new InvalidOperationException("boom");
        var result = await CreateRouter().RouteMessageAsync(Message(Alice, Bob), DomainProtocol.Xmpp, CancellationToken.None);

        Assert.IsNotNull(result.Error);
        Assert.AreEqual(DeliveryFailure.InternalServerError, result.Error.Failure);
        Assert.IsFalse(result.Error.IsPolicyRefusal);
        var error = log.At(LogLevel.Error).Single();
        Assert.IsInstanceOfType<InvalidOperationException>(error.Exception);
        var info = log.At(LogLevel.Information).Single();
        Assert.StartsWith("InternalServerError", (string)info.Properties["Outcome"]!);
    }

    [TestMethod]
    public async Task Cancellation_is_not_swallowed()
    {
        using var cts = new CancellationTokenSource();
        sip.Answer = _ =>
        {
            cts.Cancel();
            throw new OperationCanceledException(cts.Token);
        };
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(
            () => CreateRouter().RouteMessageAsync(Message(Alice, Bob), DomainProtocol.Xmpp, cts.Token));
    }

    [TestMethod]
    public async Task Missing_front_end_is_service_unavailable()
    {
        var result = await CreateRouter(xmpp).RouteMessageAsync(Message(Alice, Bob), DomainProtocol.Xmpp, CancellationToken.None);

        Assert.IsNotNull(result.Error);
        Assert.AreEqual(DeliveryFailure.ServiceUnavailable, result.Error.Failure);
        Assert.HasCount(1, log.At(LogLevel.Error));
        Assert.HasCount(1, log.At(LogLevel.Information));
    }

    [TestMethod]
    public void Two_front_ends_for_one_protocol_are_rejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => CreateRouter(sip, new FakeFrontEnd(DomainProtocol.Sip)));
    }

    [TestMethod]
    public async Task Config_reload_applies_to_the_next_message()
    {
        var router = CreateRouter();
        Assert.IsTrue((await router.RouteMessageAsync(Message(Alice, Bob), DomainProtocol.Xmpp, CancellationToken.None)).Delivered);

        source.Swap(TestConfigs.Valid(logBodies: true) with { Peerings = [new PeeringConfig(["a.test", "b.test"], [BridgeService.Presence])] });
        var refused = await router.RouteMessageAsync(Message(Alice, Bob, "m2"), DomainProtocol.Xmpp, CancellationToken.None);
        Assert.AreEqual(DeliveryFailure.NotAllowed, refused.Error?.Failure);
        Assert.AreEqual("secret words", log.Entries[^1].Properties["Body"]);
        Assert.HasCount(1, sip.Messages);
    }

    [TestMethod]
    public async Task Report_goes_to_the_original_senders_side()
    {
        var router = CreateRouter();
        var toXmppUser = new DeliveryReport("m1", Alice, Bob, new DeliveryError(DeliveryFailure.RecipientUnavailable, SipStatus: 480));
        var toSipUser = new DeliveryReport("m2", Bob, Alice, new DeliveryError(DeliveryFailure.ItemNotFound));

        await router.RouteReportAsync(toXmppUser, CancellationToken.None);
        await router.RouteReportAsync(toSipUser, CancellationToken.None);

        Assert.AreEqual(toXmppUser, xmpp.Reports.Single());
        Assert.AreEqual(toSipUser, sip.Reports.Single());
        var lines = log.At(LogLevel.Information);
        Assert.HasCount(2, lines);
        Assert.AreEqual("sip->xmpp", lines[0].Properties["Direction"]);
        Assert.AreEqual("RecipientUnavailable", lines[0].Properties["Outcome"]);
        Assert.AreEqual("xmpp->sip", lines[1].Properties["Direction"]);
    }

    [TestMethod]
    public async Task Report_for_unknown_domain_or_failing_front_end_is_logged_not_thrown()
    {
        xmpp.ReportFailure = new InvalidOperationException("down");
        var router = CreateRouter();

        await router.RouteReportAsync(new DeliveryReport("m1", new ChatAddress("x", "z.test"), Bob, new DeliveryError(DeliveryFailure.Gone)), CancellationToken.None);
        await router.RouteReportAsync(new DeliveryReport("m2", Alice, Bob, new DeliveryError(DeliveryFailure.Gone)), CancellationToken.None);

        Assert.HasCount(1, log.At(LogLevel.Warning));
        Assert.IsInstanceOfType<InvalidOperationException>(log.At(LogLevel.Error).Single().Exception);
        Assert.IsEmpty(log.At(LogLevel.Information));
        Assert.IsEmpty(sip.Reports);
    }
}

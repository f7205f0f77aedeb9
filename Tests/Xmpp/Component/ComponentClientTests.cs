using System.Net.Sockets;
using System.Threading.Channels;
using System.Xml.Linq;
using Bridge.Net;
using Bridge.Tests.Net;
using Bridge.Xmpp;
using Bridge.Xmpp.Component;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Xmpp.Component;

/// <summary>The component link against a fake component port on loopback TCP; time from a FakeTimeProvider.</summary>
[TestClass]
public sealed class ComponentClientTests
{
    private const string Secret = "test";
    private static readonly XNamespace S = "jabber:server";
    private static readonly XNamespace StanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";

    // Guards against a hang only; every wait completes as soon as the awaited event happens.
    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static ComponentOptions Options(FakeComponentServer server) =>
        new("127.0.0.1", server.EndPoint.Port, "b.test", Secret)
        {
            // Only a.test users may use the link; c.test is another vhost of the same server.
            IsPeerAllowed = (local, remote) => local == "b.test" && remote == "a.test",
            ConnectTimeout = TimeSpan.FromHours(1),
            Backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)),
        };

    private static XElement Message(string from, string to, string id, XNamespace? ns = null) =>
        new((ns ?? S) + "message", new XAttribute("from", from), new XAttribute("to", to), new XAttribute("id", id),
            new XAttribute("type", "chat"), new XElement((ns ?? S) + "body", "hi " + id));

    private static string Wire(XElement stanza) => stanza.ToString(SaveOptions.DisableFormatting);

    [TestMethod]
    public async Task HandshakesThenCarriesStanzasBothWaysInTheirNamespaces()
    {
        await using var server = new FakeComponentServer(Secret);
        await using var client = new ComponentClient(Options(server), TimeProvider.System, NullLoggerFactory.Instance);
        var received = Channel.CreateUnbounded<XElement>();
        client.StanzaHandler = s => received.Writer.WriteAsync(s).AsTask();
        await client.StartAsync(CancellationToken.None);

        Assert.IsTrue(await server.AcceptAsync(Guard()), "handshake");
        Assert.AreEqual("b.test", server.RequestedName);

        await server.SendAsync(Wire(Message("alice@a.test/home", "bob@b.test", "in-1", FakeComponentServer.Accept)), Guard());
        var inbound = await received.Reader.ReadAsync(Guard());
        Assert.AreEqual(S + "message", inbound.Name, "the front-end reads jabber:server");
        Assert.AreEqual("hi in-1", inbound.Element(S + "body")?.Value);

        var result = await client.SendAsync(Message("bob@b.test", "alice@a.test/home", "out-1"), Guard());
        Assert.AreEqual(XmppSendStatus.Sent, result.Status, result.Text);
        var outbound = await server.NextElementAsync(Guard());
        Assert.AreEqual(FakeComponentServer.Accept + "message", outbound.Name);
        Assert.AreEqual("hi out-1", outbound.Element(FakeComponentServer.Accept + "body")?.Value);
    }

    [TestMethod]
    public async Task AStanzaFromAnUnpeeredVhostIsRefusedAndNothingIsDelivered()
    {
        await using var server = new FakeComponentServer(Secret);
        await using var client = new ComponentClient(Options(server), TimeProvider.System, NullLoggerFactory.Instance);
        var received = Channel.CreateUnbounded<XElement>();
        client.StanzaHandler = s => received.Writer.WriteAsync(s).AsTask();
        await client.StartAsync(CancellationToken.None);
        Assert.IsTrue(await server.AcceptAsync(Guard()));

        await server.SendAsync(Wire(Message("mallory@c.test/x", "bob@b.test", "evil-1", FakeComponentServer.Accept)), Guard());
        var error = await server.NextElementAsync(Guard());
        Assert.AreEqual("error", (string?)error.Attribute("type"), error.ToString());
        Assert.AreEqual("mallory@c.test/x", (string?)error.Attribute("to"));
        Assert.AreEqual("evil-1", (string?)error.Attribute("id"));
        Assert.IsNotNull(error.Descendants(StanzaErrors + "not-allowed").FirstOrDefault(), error.ToString());

        // Stanzas of one connection are handled in order: the next good one is the first delivered.
        await server.SendAsync(Wire(Message("alice@a.test", "bob@b.test", "good-1", FakeComponentServer.Accept)), Guard());
        Assert.AreEqual("good-1", (string?)(await received.Reader.ReadAsync(Guard())).Attribute("id"));
    }

    [TestMethod]
    public async Task SendingToAnUnpeeredDomainIsRefusedWithoutTouchingTheLink()
    {
        await using var server = new FakeComponentServer(Secret);
        await using var client = new ComponentClient(Options(server), TimeProvider.System, NullLoggerFactory.Instance);

        var result = await client.SendAsync(Message("bob@b.test", "mallory@c.test", "no-1"), Guard());
        Assert.AreEqual("not-allowed", result.Condition);
        var foreign = await client.SendAsync(Message("bob@d.test", "alice@a.test", "no-2"), Guard());
        Assert.AreEqual("not-allowed", foreign.Condition, "only the component's own domain may be 'from'");
    }

    [TestMethod]
    public async Task ReconnectsWithBackoffOnTimeAndDeliversWhatWaited()
    {
        await using var server = new FakeComponentServer(Secret);
        var fake = new FakeTimeProvider();
        var time = new TimerWatch(fake);
        var attempts = 0;
        const int Refuse = 2;
        // started[n] completes when attempt n+1 begins.
        var started = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        Task<StreamConnection> Connect(CancellationToken ct)
        {
            var attempt = Interlocked.Increment(ref attempts);
            if (attempt <= started.Length)
            {
                started[attempt - 1].TrySetResult();
            }
            if (attempt <= Refuse)
            {
                throw new SocketException((int)SocketError.ConnectionRefused);
            }
            return StreamConnection.ConnectAsync(server.EndPoint, null, ct);
        }
        var options = Options(server);
        // The backoff delays are the only timers up to MaxDelay (the connect deadline is 1 h, the queue deadline 30 s).
        bool IsBackoff(TimeSpan due) => due > TimeSpan.Zero && due <= options.Backoff.MaxDelay;
        await using var client = new ComponentClient(options, time, NullLoggerFactory.Instance, Connect);
        await client.StartAsync(CancellationToken.None);

        // Down: a stanza waits instead of failing.
        var waiting = client.SendAsync(Message("bob@b.test", "alice@a.test", "queued-1"), Guard());
        await started[0].Task.WaitAsync(Guard());
        // Fake time only ever moves to a backoff timer that exists, never past it: stepping it on blindly outruns
        // the client on a busy machine and can pass the connect deadline (same fake clock) of an attempt under way.
        var firstRetry = await time.WaitForTimerAsync(IsBackoff, 0, Guard());
        time.AdvanceTo(firstRetry - TimeSpan.FromTicks(1));
        Assert.AreEqual(1, Volatile.Read(ref attempts), "no retry before the backoff delay has passed");
        Assert.IsFalse(waiting.IsCompleted);
        time.AdvanceTo(firstRetry);
        await started[1].Task.WaitAsync(Guard());

        var accepted = server.AcceptAsync(Guard());
        var secondRetry = await time.WaitForTimerAsync(IsBackoff, 1, Guard());
        Assert.AreEqual(2, Volatile.Read(ref attempts), "no third attempt before the second backoff delay has passed");
        time.AdvanceTo(secondRetry);
        await started[2].Task.WaitAsync(Guard());
        Assert.IsTrue(await accepted.WaitAsync(Guard()), "handshake after two refused attempts");
        Assert.AreEqual(XmppSendStatus.Sent, (await waiting.WaitAsync(Guard())).Status, "the queued stanza went out once the link was back");
        Assert.AreEqual("queued-1", (string?)(await server.NextElementAsync(Guard())).Attribute("id"));

        // The server restarts: the client finds it again by itself, at once (a lost link is retried without a
        // delay), so fake time stands still and the attempt's connect deadline cannot pass under it.
        var reconnected = server.AcceptAsync(Guard());
        await server.DropAsync();
        Assert.IsTrue(await reconnected.WaitAsync(Guard()));
        Assert.AreEqual(4, Volatile.Read(ref attempts), "one attempt after the drop");
        var after = await client.SendAsync(Message("bob@b.test", "alice@a.test", "after-1"), Guard());
        Assert.AreEqual(XmppSendStatus.Sent, after.Status, after.Text);
        Assert.AreEqual("after-1", (string?)(await server.NextElementAsync(Guard())).Attribute("id"));
    }

    [TestMethod]
    public async Task AStanzaPastItsDeadlineFailsSoItsSenderCanBeTold()
    {
        await using var server = new FakeComponentServer(Secret);
        var time = new FakeTimeProvider();
        var options = Options(server) with { QueueDeadline = TimeSpan.FromSeconds(30) };
        await using var client = new ComponentClient(options, time, NullLoggerFactory.Instance,
            _ => throw new SocketException((int)SocketError.ConnectionRefused));
        await client.StartAsync(CancellationToken.None);

        var waiting = client.SendAsync(Message("bob@b.test", "alice@a.test", "late-1"), Guard());
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.IsFalse(waiting.IsCompleted, "still within the deadline");
        time.Advance(TimeSpan.FromSeconds(1));
        var result = await waiting.WaitAsync(Guard());
        Assert.AreEqual(XmppSendStatus.Failed, result.Status);
        Assert.AreEqual("service-unavailable", result.Condition, result.Text);
        Assert.AreEqual(0, client.QueuedCount);
    }

    [TestMethod]
    public async Task AFullQueueRefusesAtOnce()
    {
        await using var server = new FakeComponentServer(Secret);
        var time = new FakeTimeProvider();
        var options = Options(server) with { QueueLimit = 2 };
        await using var client = new ComponentClient(options, time, NullLoggerFactory.Instance,
            _ => throw new SocketException((int)SocketError.ConnectionRefused));
        await client.StartAsync(CancellationToken.None);

        var first = client.SendAsync(Message("bob@b.test", "alice@a.test", "q-1"), Guard());
        var second = client.SendAsync(Message("bob@b.test", "alice@a.test", "q-2"), Guard());
        var third = await client.SendAsync(Message("bob@b.test", "alice@a.test", "q-3"), Guard());
        Assert.AreEqual("resource-constraint", third.Condition, third.Text);
        Assert.IsFalse(first.IsCompleted || second.IsCompleted);

        await client.StopAsync(Guard());
        Assert.AreEqual("service-unavailable", (await first).Condition, "stopping fails what waits; nothing is left hanging");
        Assert.AreEqual("service-unavailable", (await second).Condition);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using Bridge.Net;
using Bridge.Tests.Net;
using Bridge.Xmpp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Xmpp;

/// <summary>Outbound S2S to a peer that is restarting: the connect is retried on (fake) time within the connect deadline.</summary>
[TestClass]
public sealed class XmppServerReconnectTests
{
    private static readonly XNamespace S = "jabber:server";

    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static readonly ReconnectBackoff Retry = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    private int _resolves;
    private readonly TaskCompletionSource _secondAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private XmppServer StartA(TimeProvider time, RetryLogSignal signal, int bPort) =>
        new(new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, 0), "secret-a")
            {
                IsLocalDomain = d => d == "a.test",
                IsPeerAllowed = (l, r) => r == "b.test",
                ConnectTimeout = TimeSpan.FromSeconds(10),
                ConnectRetry = Retry,
            },
            // Each connect attempt resolves first: counting resolves counts attempts.
            new XmppResolver(d => d == "b.test" && CountAttempt() ? ("127.0.0.1", bPort) : null, NullLogger<XmppResolver>.Instance),
            time, signal);

    private bool CountAttempt()
    {
        if (Interlocked.Increment(ref _resolves) == 2)
        {
            _secondAttempt.TrySetResult();
        }
        return true;
    }

    private static XElement Message(string id) =>
        new(S + "message", new XAttribute("from", "alice@a.test"), new XAttribute("to", "bob@b.test"), new XAttribute("id", id),
            new XAttribute("type", "chat"), new XElement(S + "body", "hello " + id));

    [TestMethod]
    public async Task AStanzaForAPeerThatComesBackIsSentOnTheRetriedConnection()
    {
        var fake = new FakeTimeProvider();
        var time = new TimerWatch(fake);
        var signal = new RetryLogSignal();
        var port = FreePort();
        await using var a = StartA(time, signal, port);
        await a.StartAsync(CancellationToken.None);

        var sending = a.SendAsync(Message("r1"), Guard());
        await signal.WaitAsync(1, Guard());
        Assert.IsFalse(sending.IsCompleted, "the stanza waits while the connect is retried");

        var received = new TaskCompletionSource<XElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var b = new XmppServer(
            new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, port), "secret-b")
            {
                IsLocalDomain = d => d == "b.test",
                IsPeerAllowed = (l, r) => r == "a.test",
            },
            new XmppResolver(d => d == "a.test" ? ("127.0.0.1", a.BoundEndPoint!.Port) : null, NullLogger<XmppResolver>.Instance),
            TimeProvider.System, NullLoggerFactory.Instance)
        {
            StanzaHandler = s =>
            {
                received.TrySetResult(s);
                return Task.CompletedTask;
            },
        };
        await b.StartAsync(CancellationToken.None);

        // The retry's backoff delay is a timer on the injected (fake) clock, registered just after the retry is
        // logged; at most MaxDelay (the 10 s connect deadline is the only longer timer). Wait until it exists,
        // then move the clock exactly to it, never past it: stepping time on blindly can outrun the retry on a
        // busy machine and pass the connect deadline before the second attempt ran.
        var retryDue = await time.WaitForTimerAsync(d => d > TimeSpan.Zero && d <= Retry.MaxDelay, Guard());
        Assert.AreEqual(1, Volatile.Read(ref _resolves), "no second attempt before its backoff delay has passed");
        time.AdvanceTo(retryDue);
        await _secondAttempt.Task.WaitAsync(Guard());

        Assert.AreEqual(XmppSendResult.Sent, await sending.WaitAsync(Guard()));
        Assert.AreEqual("r1", (string?)(await received.Task.WaitAsync(Guard())).Attribute("id"));
        Assert.IsTrue(fake.GetUtcNow() - fake.Start <= Retry.MaxDelay, "sent on the first retry, well within the connect deadline");
    }

    [TestMethod]
    public async Task APeerThatNeverAnswersBouncesAsRemoteServerNotFoundAtTheDeadline()
    {
        var time = new FakeTimeProvider();
        var signal = new RetryLogSignal();
        await using var a = StartA(time, signal, FreePort());
        await a.StartAsync(CancellationToken.None);

        var sending = a.SendAsync(Message("r2"), Guard());
        await signal.WaitAsync(1, Guard());
        time.Advance(TimeSpan.FromSeconds(10));

        var result = await sending.WaitAsync(Guard());
        Assert.AreEqual("remote-server-not-found", result.Condition, result.Text);
    }
}

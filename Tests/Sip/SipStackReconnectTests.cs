using System.Net;
using System.Net.Sockets;
using System.Text;
using Bridge.Net;
using Bridge.Sip;
using Bridge.Tests.Net;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Sip;

/// <summary>
/// Outbound TCP to a SIP peer that is down or restarting: connects are retried on (fake) time, requests wait
/// within a deadline and a bound, and what cannot be sent ends as 503 for its sender.
/// </summary>
[TestClass]
public sealed class SipStackReconnectTests
{
    // Guards against a hang only; every wait completes as soon as the awaited event happens.
    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static readonly ReconnectBackoff Retry = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    private static async Task<(SipStack Stack, RetryLogSignal Retries, RetryLogSignal Attempts)> StartAliceAsync(TimeProvider time, int maxWaiting = 100)
    {
        var retries = new RetryLogSignal();
        var attempts = new RetryLogSignal("starting");
        var options = new SipStackOptions([new SipEndPoint(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, 0))], new SipParserLimits())
        {
            ConnectRetry = Retry,
            ConnectDeadline = TimeSpan.FromSeconds(10),
            MaxWaitingPerConnection = maxWaiting,
        };
        var stack = new SipStack(options, time, new Both(retries, attempts));
        await stack.StartAsync(CancellationToken.None);
        return (stack, retries, attempts);
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static SipRequest NewMessage(string text)
    {
        var request = new SipRequest("MESSAGE", "sip:bob@b.test");
        request.Headers.Add("From", $"<sip:alice@a.test>;tag={SipStack.NewTag()}");
        request.Headers.Add("To", "<sip:bob@b.test>");
        request.Headers.Add("Call-ID", SipStack.NewCallId("a.test"));
        request.Headers.Add("CSeq", "1 MESSAGE");
        request.Headers.Add("Content-Type", "text/plain");
        request.Body = Encoding.UTF8.GetBytes(text);
        return request;
    }

    [TestMethod]
    public async Task ARequestWaitsForAPeerThatComesBackAndIsAnswered()
    {
        var fake = new FakeTimeProvider();
        var time = new TimerWatch(fake);
        var (alice, retries, attempts) = await StartAliceAsync(time);
        await using var _ = alice;
        var port = FreePort();
        var target = new SipEndPoint(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, port));

        var response = alice.SendRequestAsync(NewMessage("while you were away"), target, Guard());
        await retries.WaitAsync(1, Guard());
        Assert.IsFalse(response.IsCompleted, "the request waits for the connection instead of failing");

        // The peer comes back on the same port; the next retry (after the backoff delay) finds it.
        var bob = new SipStack(new SipStackOptions([target], new SipParserLimits()), TimeProvider.System, new RetryLogSignal().For<SipStack>());
        await using var __ = bob;
        bob.RequestHandler = tx => tx.SendResponseAsync(bob.CreateResponse(tx.Request, 200));
        await bob.StartAsync(CancellationToken.None);

        // The retry's delay is a timer on the injected (fake) clock, registered just after the retry is logged; at
        // most MaxDelay (the 10 s connect deadline and the 32 s Timer F are the only longer ones). Wait until it
        // exists, then move the clock exactly to it: stepping time on blindly can outrun the thread registering it
        // and pass the connect deadline, which runs on the same fake clock, before the second attempt started.
        var retryDue = await time.WaitForTimerAsync(d => d > TimeSpan.Zero && d <= Retry.MaxDelay, Guard());
        Assert.IsFalse(attempts.Reached(2), "no second attempt before its backoff delay has passed");
        time.AdvanceTo(retryDue);
        await attempts.WaitAsync(2, Guard());

        Assert.AreEqual(200, (await response.WaitAsync(Guard())).StatusCode);
        Assert.IsTrue(fake.GetUtcNow() - fake.Start <= Retry.MaxDelay, "answered after the first retry, well within the connect deadline");
    }

    [TestMethod]
    public async Task PastTheDeadlineTheRequestFailsWith503()
    {
        var time = new FakeTimeProvider();
        var (alice, retries, _) = await StartAliceAsync(time);
        await using var _ = alice;
        var target = new SipEndPoint(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, FreePort()));

        var response = alice.SendRequestAsync(NewMessage("nobody home"), target, Guard());
        await retries.WaitAsync(1, Guard());
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.AreEqual(503, (await response.WaitAsync(Guard())).StatusCode);
    }

    [TestMethod]
    public async Task BeyondTheBoundARequestFailsAtOnce()
    {
        var time = new FakeTimeProvider();
        var (alice, retries, _) = await StartAliceAsync(time, maxWaiting: 1);
        await using var _ = alice;
        var target = new SipEndPoint(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, FreePort()));

        var first = alice.SendRequestAsync(NewMessage("one"), target, Guard());
        await retries.WaitAsync(1, Guard());
        var second = await alice.SendRequestAsync(NewMessage("two"), target, Guard());

        Assert.AreEqual(503, second.StatusCode, "no room to wait: refused without waiting for time to pass");
        Assert.IsFalse(first.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.AreEqual(503, (await first.WaitAsync(Guard())).StatusCode);
    }

    /// <summary>Feeds the stack's log lines to both signals.</summary>
    private sealed class Both(RetryLogSignal first, RetryLogSignal second) : Microsoft.Extensions.Logging.ILogger<SipStack>
    {
        private readonly Microsoft.Extensions.Logging.ILogger _a = first.CreateLogger("sip");
        private readonly Microsoft.Extensions.Logging.ILogger _b = second.CreateLogger("sip");

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            _a.Log(logLevel, eventId, state, exception, formatter);
            _b.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}

using System.Net;
using Bridge.Sip;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Sip;

/// <summary>RFC 3261 §17.1.2.2 / §17.2.2 timers, driven by a fake clock.</summary>
[TestClass]
public sealed class SipTransactionTimerTests
{
    private static readonly SipStackOptions Options = new([], new SipParserLimits());
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    private static SipRequest NewRequest()
    {
        var request = new SipRequest("MESSAGE", "sip:bob@b.test");
        request.Headers.Add("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKtest;rport");
        request.Headers.Add("From", "<sip:alice@a.test>;tag=1");
        request.Headers.Add("To", "<sip:bob@b.test>");
        request.Headers.Add("Call-ID", "call@a.test");
        request.Headers.Add("CSeq", "1 MESSAGE");
        return request;
    }

    private sealed class ClientHarness
    {
        public readonly FakeTimeProvider Time = new();
        public readonly List<TimeSpan> Sends = [];
        public readonly DateTimeOffset Start;
        public bool Terminated;
        public readonly SipClientTransaction Transaction;

        public ClientHarness(bool reliable, Func<Task>? send = null)
        {
            Start = Time.GetUtcNow();
            Transaction = new SipClientTransaction(NewRequest(), "k", reliable, Options, Time,
                _ =>
                {
                    Sends.Add(Time.GetUtcNow() - Start);
                    return send?.Invoke() ?? Task.CompletedTask;
                },
                _ => Terminated = true, NullLogger.Instance);
        }

        public void AdvanceTo(TimeSpan t)
        {
            while (Time.GetUtcNow() - Start < t)
            {
                Time.Advance(Step);
            }
        }
    }

    private static SipResponse Response(int code) => new(code, SipReasonPhrases.For(code));

    [TestMethod]
    public void ClientOverUdp_RetransmitsWithTimerE_ThenTimerFGives408()
    {
        var h = new ClientHarness(reliable: false);
        h.Transaction.Start();
        h.AdvanceTo(TimeSpan.FromSeconds(31.95));
        // T1, 2T1, 4T1, then capped at T2 = 4 s.
        double[] expected = [0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5];
        CollectionAssert.AreEqual(expected, h.Sends.Select(s => s.TotalSeconds).ToArray());
        Assert.IsFalse(h.Transaction.Completion.IsCompleted);

        h.AdvanceTo(TimeSpan.FromSeconds(32)); // timer F = 64*T1
        Assert.IsTrue(h.Transaction.Completion.IsCompletedSuccessfully);
        Assert.AreEqual(408, h.Transaction.Completion.Result.StatusCode);
        Assert.AreEqual("call@a.test", h.Transaction.Completion.Result.CallId);
        Assert.IsTrue(h.Terminated);
        h.AdvanceTo(TimeSpan.FromSeconds(60));
        Assert.HasCount(expected.Length, h.Sends, "no retransmission after termination");
    }

    [TestMethod]
    public void ClientOverUdp_ProvisionalSwitchesToT2_FinalCompletesAndTimerKCleansUp()
    {
        var h = new ClientHarness(reliable: false);
        h.Transaction.Start();
        h.AdvanceTo(TimeSpan.FromSeconds(0.6));
        h.Transaction.OnResponse(Response(100));
        Assert.IsFalse(h.Transaction.Completion.IsCompleted, "provisional responses are not reported");
        h.AdvanceTo(TimeSpan.FromSeconds(10));
        // E already armed for 1.5 s fires, then every T2 while Proceeding.
        CollectionAssert.AreEqual(new[] { 0, 0.5, 1.5, 5.5, 9.5 }, h.Sends.Select(s => s.TotalSeconds).ToArray());

        h.Transaction.OnResponse(Response(202));
        Assert.AreEqual(202, h.Transaction.Completion.Result.StatusCode);
        h.Transaction.OnResponse(Response(500)); // a late different final is absorbed in Completed
        Assert.AreEqual(202, h.Transaction.Completion.Result.StatusCode);
        h.AdvanceTo(TimeSpan.FromSeconds(14.95));
        Assert.IsFalse(h.Terminated, "timer K (T4) keeps the transaction to absorb retransmissions");
        Assert.HasCount(5, h.Sends, "no retransmissions once Completed");
        h.AdvanceTo(TimeSpan.FromSeconds(15));
        Assert.IsTrue(h.Terminated);
    }

    [TestMethod]
    public void ClientOverTcp_NeverRetransmits_TimerFStillApplies()
    {
        var h = new ClientHarness(reliable: true);
        h.Transaction.Start();
        h.AdvanceTo(TimeSpan.FromSeconds(31.95));
        Assert.HasCount(1, h.Sends);
        Assert.IsFalse(h.Transaction.Completion.IsCompleted);
        h.AdvanceTo(TimeSpan.FromSeconds(32));
        Assert.AreEqual(408, h.Transaction.Completion.Result.StatusCode);
    }

    [TestMethod]
    public void ClientOverTcp_FinalTerminatesAtOnce()
    {
        var h = new ClientHarness(reliable: true);
        h.Transaction.Start();
        h.Transaction.OnResponse(Response(200));
        Assert.AreEqual(200, h.Transaction.Completion.Result.StatusCode);
        Assert.IsTrue(h.Terminated, "timer K is zero over reliable transports");
    }

    [TestMethod]
    public void ClientTransportFailureGives503()
    {
        var h = new ClientHarness(reliable: true, send: () => Task.FromException(new IOException("connection refused")));
        h.Transaction.Start();
        Assert.AreEqual(503, h.Transaction.Completion.Result.StatusCode);
        Assert.IsTrue(h.Terminated);
    }

    private sealed class ServerHarness
    {
        public readonly FakeTimeProvider Time = new();
        public readonly List<int> Sent = [];
        public bool Terminated;
        public readonly SipServerTransaction Transaction;

        public ServerHarness(SipTransport transport)
        {
            var remote = new SipEndPoint(transport, new IPEndPoint(IPAddress.Loopback, 5070));
            Transaction = new SipServerTransaction(NewRequest(), remote, new IPEndPoint(IPAddress.Loopback, 5060), "k", Options, Time,
                r =>
                {
                    Sent.Add(r.StatusCode);
                    return Task.CompletedTask;
                },
                _ => Terminated = true, NullLogger.Instance);
        }
    }

    [TestMethod]
    public async Task ServerOverUdp_AbsorbsRetransmissions_ResendsLastResponse_TimerJ()
    {
        var h = new ServerHarness(SipTransport.Udp);
        h.Transaction.OnRequestRetransmission();
        Assert.HasCount(0, h.Sent, "Trying: retransmissions are absorbed");

        await h.Transaction.SendResponseAsync(Response(100));
        h.Transaction.OnRequestRetransmission();
        CollectionAssert.AreEqual(new[] { 100, 100 }, h.Sent);

        await h.Transaction.SendResponseAsync(Response(200));
        h.Transaction.OnRequestRetransmission();
        h.Transaction.OnRequestRetransmission();
        CollectionAssert.AreEqual(new[] { 100, 100, 200, 200, 200 }, h.Sent);
        Assert.IsTrue(h.Transaction.HasFinalResponse);
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => h.Transaction.SendResponseAsync(Response(500)));

        h.Time.Advance(TimeSpan.FromSeconds(31.9));
        Assert.IsFalse(h.Terminated, "timer J = 64*T1");
        h.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.IsTrue(h.Terminated);
    }

    [TestMethod]
    public async Task ServerOverTcp_TerminatesWithTheFinalResponse()
    {
        var h = new ServerHarness(SipTransport.Tcp);
        await h.Transaction.SendResponseAsync(Response(404));
        CollectionAssert.AreEqual(new[] { 404 }, h.Sent);
        Assert.IsTrue(h.Terminated, "timer J is zero over reliable transports");
    }
}

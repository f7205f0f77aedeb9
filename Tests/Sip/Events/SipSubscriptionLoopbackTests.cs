using System.Net;
using System.Text;
using System.Threading.Channels;
using Bridge.Sip;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Sip.Events;

/// <summary>
/// A presence subscription between two real stacks on 127.0.0.1, the messages driven by <see cref="SipSubscriber"/>
/// and <see cref="SipNotifier"/>: SUBSCRIBE → 202 → NOTIFY active → 200 → refresh → unsubscribe → final NOTIFY.
/// Network waits are bounded by a cancellation token; subscription timers run on a fake clock.
/// </summary>
[TestClass]
public sealed class SipSubscriptionLoopbackTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private const string Pidf = "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:bob@b.test\"/>";

    private static async Task<SipStack> StartAsync()
    {
        var options = new SipStackOptions([new SipEndPoint(SipTransport.Udp, new IPEndPoint(IPAddress.Loopback, 0))], new SipParserLimits());
        var stack = new SipStack(options, TimeProvider.System, NullLogger<SipStack>.Instance);
        await stack.StartAsync(CancellationToken.None);
        return stack;
    }

    private static SipEndPoint Resolve(string uri)
    {
        Assert.IsTrue(SipUri.TryParse(uri, out var parsed), uri);
        return new SipEndPoint(SipTransport.Udp, new IPEndPoint(IPAddress.Parse(parsed.Host), parsed.Port ?? 5060));
    }

    private static async Task<T> NextAsync<T>(ChannelReader<T> reader, CancellationToken ct) => await reader.ReadAsync(ct);

    [TestMethod]
    public async Task SubscribeNotifyRefreshUnsubscribe()
    {
        await using var alice = await StartAsync();
        await using var bob = await StartAsync();
        using var cts = new CancellationTokenSource(Limit);
        var ct = cts.Token;
        var time = new FakeTimeProvider();
        var alicePort = alice.BoundEndPoints[0].EndPoint.Port;
        var bobPort = bob.BoundEndPoints[0].EndPoint.Port;

        using var notifier = new SipNotifier(
            new SipNotifierOptions([SipEventPackage.Presence], $"sip:bob@127.0.0.1:{bobPort}") { AcceptStatusCode = 202 }, time);
        var notifyStatuses = Channel.CreateUnbounded<int>();
        var subscribeBodies = Channel.CreateUnbounded<SipRequest>();
        bob.RequestHandler = async tx =>
        {
            await subscribeBodies.Writer.WriteAsync(tx.Request, ct);
            var decision = notifier.OnSubscribe(tx.Request);
            var response = bob.CreateResponse(tx.Request, decision.StatusCode);
            decision.ApplyTo(response);
            await tx.SendResponseAsync(response);
            if (!decision.SendNotify)
            {
                return;
            }
            if (notifier.State == SipSubscriptionState.Pending)
            {
                notifier.Activate(); // authorization policy lives with the owner; this test allows everyone
            }
            var notify = notifier.State == SipSubscriptionState.Terminated
                ? notifier.CreateNotify()
                : notifier.CreateNotify(Encoding.UTF8.GetBytes(Pidf), SipEventPackage.PidfContentType);
            var notifyResponse = await bob.SendRequestAsync(notify.Request, Resolve(notify.NextHopUri), ct);
            notifier.OnNotifyResponse(notifyResponse);
            await notifyStatuses.Writer.WriteAsync(notifyResponse.StatusCode, ct);
        };

        using var subscriber = new SipSubscriber(
            new SipSubscriberOptions("presence", "sip:alice@a.test", $"sip:bob@127.0.0.1:{bobPort}", $"sip:alice@127.0.0.1:{alicePort}", TimeSpan.FromSeconds(3600))
            {
                Accept = [SipEventPackage.PidfContentType],
            },
            time);
        var states = Channel.CreateUnbounded<SipSubscriptionStateChangedEventArgs>();
        var bodies = Channel.CreateUnbounded<string>();
        var refreshDue = 0;
        subscriber.StateChanged += (_, e) => states.Writer.TryWrite(e);
        subscriber.Notified += (_, e) => bodies.Writer.TryWrite(Encoding.UTF8.GetString(e.Body.Span));
        subscriber.RefreshDue += (_, _) => Interlocked.Increment(ref refreshDue);
        alice.RequestHandler = async tx =>
        {
            var status = tx.Request.Method == "NOTIFY" ? subscriber.OnNotify(tx.Request) : 405;
            await tx.SendResponseAsync(alice.CreateResponse(tx.Request, status));
        };

        // SUBSCRIBE → 202; NOTIFY active → 200 (the NOTIFY may overtake the 202: both orders are handled).
        var subscribe = subscriber.CreateSubscribe();
        var accepted = await alice.SendRequestAsync(subscribe.Request, Resolve(subscribe.NextHopUri), ct);
        Assert.AreEqual(202, accepted.StatusCode);
        Assert.AreEqual("3600", accepted.Headers["Expires"]);
        Assert.IsNull(subscriber.OnSubscribeResponse(subscribe.Request, accepted));
        Assert.AreEqual("presence", (await NextAsync(subscribeBodies.Reader, ct)).Headers["Event"]);
        Assert.AreEqual(200, await NextAsync(notifyStatuses.Reader, ct));
        Assert.AreEqual(SipSubscriptionState.Active, (await NextAsync(states.Reader, ct)).State);
        Assert.AreEqual(Pidf, await NextAsync(bodies.Reader, ct));
        Assert.AreEqual(subscriber.Dialog!.Key, new SipDialogKey(notifier.Dialog!.CallId, notifier.Dialog.RemoteTag, notifier.Dialog.LocalTag));
        Assert.AreEqual($"sip:bob@127.0.0.1:{bobPort}", subscriber.Dialog.RemoteTarget);

        // Refresh when the subscriber says it is due (3600 s granted → 3240 s).
        time.Advance(TimeSpan.FromSeconds(3239));
        Assert.AreEqual(0, refreshDue);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(1, refreshDue);
        var refresh = subscriber.CreateRefresh();
        var refreshed = await alice.SendRequestAsync(refresh.Request, Resolve(refresh.NextHopUri), ct);
        Assert.AreEqual(202, refreshed.StatusCode);
        Assert.IsNull(subscriber.OnSubscribeResponse(refresh.Request, refreshed));
        Assert.AreEqual("2 SUBSCRIBE", (await NextAsync(subscribeBodies.Reader, ct)).Headers["CSeq"]);
        Assert.AreEqual(200, await NextAsync(notifyStatuses.Reader, ct));
        Assert.AreEqual(Pidf, await NextAsync(bodies.Reader, ct));
        Assert.AreEqual(time.GetUtcNow() + TimeSpan.FromSeconds(3600), notifier.ExpiresAt);
        time.Advance(TimeSpan.FromSeconds(400));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State, "the refresh moved the expiry past the first 3600 s");
        Assert.AreEqual(SipSubscriptionState.Active, notifier.State);

        // Unsubscribe → 202 → NOTIFY terminated;reason=timeout → 200.
        var unsubscribe = subscriber.Unsubscribe()!;
        var gone = await alice.SendRequestAsync(unsubscribe.Request, Resolve(unsubscribe.NextHopUri), ct);
        Assert.AreEqual(202, gone.StatusCode);
        subscriber.OnSubscribeResponse(unsubscribe.Request, gone);
        Assert.AreEqual("0", (await NextAsync(subscribeBodies.Reader, ct)).Headers["Expires"]);
        Assert.AreEqual(200, await NextAsync(notifyStatuses.Reader, ct));
        var final = await NextAsync(states.Reader, ct);
        Assert.AreEqual(SipSubscriptionState.Terminated, final.State);
        Assert.AreEqual("timeout", final.Reason);
        Assert.IsFalse(final.ShouldResubscribe);
        Assert.AreEqual(SipSubscriptionState.Terminated, notifier.State);
    }
}

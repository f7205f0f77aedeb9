using System.Text;
using Bridge.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Sip.Events;

/// <summary>RFC 6665 §4.2 notifier behaviour with the presence package (RFC 3856), on a fake clock.</summary>
[TestClass]
public sealed class SipNotifierTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<SipSubscriptionStateChangedEventArgs> _changes = [];
    private int _expired;

    private SipNotifier NewNotifier(int acceptStatus = 200)
    {
        var notifier = new SipNotifier(new SipNotifierOptions([SipEventPackage.Presence], "sip:bob@10.0.0.2:5080") { AcceptStatusCode = acceptStatus }, _time);
        notifier.StateChanged += (_, e) => _changes.Add(e);
        notifier.Expired += (_, _) => _expired++;
        return notifier;
    }

    private static SipRequest Subscribe(string? expires = "600", string evt = "presence", string? accept = null, long cseq = 1, string? toTag = null)
    {
        var request = new SipRequest("SUBSCRIBE", "sip:bob@b.test");
        request.Headers.Add("Via", "SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKs" + cseq);
        request.Headers.Add("From", "<sip:alice@a.test>;tag=atag");
        request.Headers.Add("To", toTag is null ? "<sip:bob@b.test>" : $"<sip:bob@b.test>;tag={toTag}");
        request.Headers.Add("Call-ID", "s1@a.test");
        request.Headers.Add("CSeq", $"{cseq} SUBSCRIBE");
        request.Headers.Add("Contact", "<sip:alice@10.0.0.1:5070>");
        request.Headers.Add("Event", evt);
        if (expires is not null)
        {
            request.Headers.Add("Expires", expires);
        }
        if (accept is not null)
        {
            request.Headers.Add("Accept", accept);
        }
        return request;
    }

    private static SipResponse Response(SipRequest request, int status)
    {
        var response = new SipResponse(status, "X");
        response.Headers.Add("From", request.Headers["From"]!);
        response.Headers.Add("To", request.Headers["To"]!);
        response.Headers.Add("Call-ID", request.CallId!);
        response.Headers.Add("CSeq", request.Headers["CSeq"]!);
        return response;
    }

    private static SipRequest Refresh(SipNotifier notifier, long cseq, string? expires) =>
        Subscribe(expires, cseq: cseq, toTag: notifier.Dialog!.LocalTag);

    [TestMethod]
    public void InitialSubscribeIsAcceptedPendingWithDialogTagAndExpires()
    {
        using var notifier = NewNotifier();
        var subscribe = Subscribe();
        var decision = notifier.OnSubscribe(subscribe);

        Assert.AreEqual(200, decision.StatusCode);
        Assert.IsTrue(decision.SendNotify);
        Assert.AreEqual(SipSubscriptionState.Pending, notifier.State);
        var response = Response(subscribe, 200);
        decision.ApplyTo(response);
        Assert.AreEqual("600", response.Headers["Expires"]);
        Assert.AreEqual("<sip:bob@10.0.0.2:5080>", response.Headers["Contact"]);
        Assert.AreEqual(notifier.Dialog!.LocalTag, response.To!.Tag);
        Assert.AreEqual(new SipDialogKey("s1@a.test", notifier.Dialog.LocalTag, "atag"), notifier.Dialog.Key);
        Assert.AreEqual("sip:alice@10.0.0.1:5070", notifier.Dialog.RemoteTarget);
    }

    [TestMethod]
    public void NotifiesCarryStateRemainingTimeAndBody()
    {
        using var notifier = NewNotifier();
        notifier.OnSubscribe(Subscribe());

        var pending = notifier.CreateNotify().Request;
        Assert.AreEqual("NOTIFY", pending.Method);
        Assert.AreEqual("sip:alice@10.0.0.1:5070", pending.RequestUri);
        Assert.AreEqual("presence", pending.Headers["Event"]);
        Assert.AreEqual("pending;expires=600", pending.Headers["Subscription-State"]);
        Assert.AreEqual("<sip:bob@10.0.0.2:5080>", pending.Headers["Contact"], "NOTIFY is a target refresh request and carries Contact");
        Assert.AreEqual("0", pending.Headers["Content-Length"]);

        notifier.Activate();
        _time.Advance(TimeSpan.FromSeconds(100));
        var active = notifier.CreateNotify(Encoding.UTF8.GetBytes("<presence/>"), SipEventPackage.PidfContentType).Request;
        Assert.AreEqual("active;expires=500", active.Headers["Subscription-State"]);
        Assert.AreEqual("application/pidf+xml", active.ContentType);
        Assert.AreEqual("<presence/>", Encoding.UTF8.GetString(active.Body.Span));
        Assert.AreEqual(pending.CSeqNumber + 1, active.CSeqNumber, "each NOTIFY takes the next CSeq");
        CollectionAssert.AreEqual(new[] { SipSubscriptionState.Pending, SipSubscriptionState.Active }, _changes.Select(c => c.State).ToArray());
    }

    [TestMethod]
    public void UnsupportedPackageGets489WithAllowEvents()
    {
        using var notifier = NewNotifier();
        var subscribe = Subscribe(evt: "message-summary");
        var decision = notifier.OnSubscribe(subscribe);
        Assert.AreEqual(489, decision.StatusCode);
        Assert.IsFalse(decision.SendNotify);
        var response = Response(subscribe, 489);
        decision.ApplyTo(response);
        Assert.AreEqual("presence", response.Headers["Allow-Events"]);
        Assert.AreEqual(SipSubscriptionState.Init, notifier.State);
        Assert.IsNull(notifier.Dialog);
    }

    [TestMethod]
    public void MissingEventGets400()
    {
        using var notifier = NewNotifier();
        var subscribe = Subscribe();
        subscribe.Headers.Remove("Event");
        Assert.AreEqual(400, notifier.OnSubscribe(subscribe).StatusCode);
    }

    [TestMethod]
    [DataRow("59", 423, null)]
    [DataRow("1", 423, null)]
    [DataRow("60", 200, "60")]
    [DataRow("100000", 200, "86400")]
    [DataRow(null, 200, "3600")]
    [DataRow("soon", 400, null)]
    public void ExpiresRangeIsEnforced(string? asked, int status, string? granted)
    {
        using var notifier = NewNotifier();
        var subscribe = Subscribe(asked);
        var decision = notifier.OnSubscribe(subscribe);
        Assert.AreEqual(status, decision.StatusCode);
        var response = Response(subscribe, status);
        decision.ApplyTo(response);
        Assert.AreEqual(granted, response.Headers["Expires"]);
        Assert.AreEqual(status == 423 ? "60" : null, response.Headers["Min-Expires"]);
    }

    [TestMethod]
    [DataRow("application/pidf+xml", 200)]
    [DataRow("application/*", 200)]
    [DataRow("text/plain, application/pidf+xml;q=0.5", 200)]
    [DataRow("text/plain", 406)]
    public void AcceptMustAllowPidf(string accept, int status)
    {
        using var notifier = NewNotifier();
        Assert.AreEqual(status, notifier.OnSubscribe(Subscribe(accept: accept)).StatusCode);
    }

    [TestMethod]
    public void RefreshExtendsTheSubscription()
    {
        using var notifier = NewNotifier();
        notifier.OnSubscribe(Subscribe("600"));
        notifier.Activate();
        _time.Advance(TimeSpan.FromSeconds(500));
        var decision = notifier.OnSubscribe(Refresh(notifier, 2, "600"));
        Assert.AreEqual(200, decision.StatusCode);
        Assert.IsTrue(decision.SendNotify);
        Assert.AreEqual("active;expires=600", notifier.CreateNotify().Request.Headers["Subscription-State"]);
        _time.Advance(TimeSpan.FromSeconds(599));
        Assert.AreEqual(SipSubscriptionState.Active, notifier.State, "the old expiry no longer applies");
        Assert.AreEqual(0, _expired);
    }

    [TestMethod]
    public void OutOfOrderRefreshGets500()
    {
        using var notifier = NewNotifier();
        notifier.OnSubscribe(Subscribe(cseq: 5));
        Assert.AreEqual(500, notifier.OnSubscribe(Refresh(notifier, 4, "600")).StatusCode);
    }

    [TestMethod]
    public void RefreshWithOtherTagsGets481()
    {
        using var notifier = NewNotifier();
        notifier.OnSubscribe(Subscribe());
        Assert.AreEqual(481, notifier.OnSubscribe(Subscribe(cseq: 2, toTag: "not-ours")).StatusCode);
    }

    [TestMethod]
    public void UnsubscribeEndsWithFinalTimeoutNotify()
    {
        using var notifier = NewNotifier();
        notifier.OnSubscribe(Subscribe());
        notifier.Activate();
        var decision = notifier.OnSubscribe(Refresh(notifier, 2, "0"));
        Assert.AreEqual(200, decision.StatusCode);
        Assert.IsTrue(decision.SendNotify);
        Assert.AreEqual(SipSubscriptionState.Terminated, notifier.State);

        var final = notifier.CreateNotify().Request;
        Assert.AreEqual("terminated;reason=timeout", final.Headers["Subscription-State"]);
        Assert.ThrowsExactly<InvalidOperationException>(() => notifier.CreateNotify());
        Assert.AreEqual(481, notifier.OnSubscribe(Refresh(notifier, 3, "600")).StatusCode);
    }

    [TestMethod]
    public void ExpiryTerminatesAndAsksForTheFinalNotify()
    {
        using var notifier = NewNotifier();
        notifier.OnSubscribe(Subscribe("600"));
        notifier.Activate();
        _time.Advance(TimeSpan.FromSeconds(599));
        Assert.AreEqual(0, _expired);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(1, _expired);
        Assert.AreEqual(SipSubscriptionState.Terminated, notifier.State);
        Assert.AreEqual("terminated;reason=timeout", notifier.CreateNotify().Request.Headers["Subscription-State"]);
    }

    [TestMethod]
    [DataRow(481)]
    [DataRow(408)]
    public void NotifyAnsweredGoneRemovesTheSubscription(int status)
    {
        using var notifier = NewNotifier();
        notifier.OnSubscribe(Subscribe());
        var notify = notifier.CreateNotify().Request;
        notifier.OnNotifyResponse(Response(notify, status));
        Assert.AreEqual(SipSubscriptionState.Terminated, notifier.State);
        Assert.ThrowsExactly<InvalidOperationException>(() => notifier.CreateNotify(), "nothing more is sent");
        _time.Advance(TimeSpan.FromHours(1));
        Assert.AreEqual(0, _expired, "the expiry timer was cancelled");
    }

    [TestMethod]
    public void OtherNotifyFailuresKeepTheSubscription()
    {
        using var notifier = NewNotifier();
        notifier.OnSubscribe(Subscribe());
        var notify = notifier.CreateNotify().Request;
        notifier.OnNotifyResponse(Response(notify, 500));
        Assert.AreEqual(SipSubscriptionState.Pending, notifier.State);
    }

    [TestMethod]
    public void RejectionAndProbationAreSentWithReason()
    {
        using var rejected = NewNotifier();
        rejected.OnSubscribe(Subscribe());
        rejected.Terminate(SipSubscriptionReasons.Rejected);
        Assert.AreEqual("terminated;reason=rejected", rejected.CreateNotify().Request.Headers["Subscription-State"]);

        using var probation = NewNotifier();
        probation.OnSubscribe(Subscribe());
        probation.Activate();
        probation.Terminate(SipSubscriptionReasons.Probation, TimeSpan.FromSeconds(30));
        Assert.AreEqual("terminated;reason=probation;retry-after=30", probation.CreateNotify().Request.Headers["Subscription-State"]);
    }

    [TestMethod]
    public void FetchIsAcceptedWithOneFinalNotify()
    {
        using var notifier = NewNotifier();
        var decision = notifier.OnSubscribe(Subscribe("0"));
        Assert.AreEqual(200, decision.StatusCode);
        Assert.IsTrue(decision.SendNotify);
        Assert.AreEqual("terminated;reason=timeout", notifier.CreateNotify(Encoding.UTF8.GetBytes("<presence/>"), SipEventPackage.PidfContentType).Request.Headers["Subscription-State"]);
    }

    [TestMethod]
    public void AcceptStatusCanBe202ForOldPeers()
    {
        using var notifier = NewNotifier(acceptStatus: 202);
        Assert.AreEqual(202, notifier.OnSubscribe(Subscribe()).StatusCode);
    }

    [TestMethod]
    public void EventIdIsEchoedAndMustMatchOnRefresh()
    {
        using var notifier = NewNotifier();
        notifier.OnSubscribe(Subscribe(evt: "presence;id=42"));
        Assert.AreEqual("presence;id=42", notifier.CreateNotify().Request.Headers["Event"]);
        var refresh = Refresh(notifier, 2, "600");
        Assert.AreEqual(489, notifier.OnSubscribe(refresh).StatusCode);
    }
}

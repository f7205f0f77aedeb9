using System.Text;
using Bridge.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Sip.Events;

/// <summary>RFC 6665 §4.1 subscriber behaviour, with the notifier played by hand-built messages and a fake clock.</summary>
[TestClass]
public sealed class SipSubscriberTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<SipSubscriptionStateChangedEventArgs> _changes = [];
    private readonly List<SipNotificationEventArgs> _notifications = [];
    private int _refreshes;

    private SipSubscriber NewSubscriber(int expires = 3600)
    {
        var options = new SipSubscriberOptions("presence", "sip:alice@a.test", "sip:bob@b.test", "sip:alice@10.0.0.1:5070", TimeSpan.FromSeconds(expires))
        {
            Accept = [SipEventPackage.PidfContentType],
        };
        var subscriber = new SipSubscriber(options, _time);
        subscriber.StateChanged += (_, e) => _changes.Add(e);
        subscriber.Notified += (_, e) => _notifications.Add(e);
        subscriber.RefreshDue += (_, _) => _refreshes++;
        return subscriber;
    }

    private static SipResponse Respond(SipRequest request, int status, params string[] headers)
    {
        var response = new SipResponse(status, "X");
        response.Headers.Add("From", request.Headers["From"]!);
        var to = request.To!;
        response.Headers.Add("To", to.Tag is null ? to.WithTag("ntag").ToString() : to.ToString());
        response.Headers.Add("Call-ID", request.CallId!);
        response.Headers.Add("CSeq", request.Headers["CSeq"]!);
        if (status is >= 200 and < 300)
        {
            response.Headers.Add("Contact", "<sip:bob@10.0.0.2:5080>");
        }
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            response.Headers.Add(header[..colon], header[(colon + 1)..].Trim());
        }
        return response;
    }

    private static SipRequest Notify(SipSubscriber subscriber, string substate, long cseq, string? body = null, string fromTag = "ntag", string evt = "presence")
    {
        var notify = new SipRequest("NOTIFY", "sip:alice@10.0.0.1:5070");
        notify.Headers.Add("Via", "SIP/2.0/UDP 10.0.0.2:5080;branch=z9hG4bKn" + cseq);
        notify.Headers.Add("From", $"<sip:bob@b.test>;tag={fromTag}");
        notify.Headers.Add("To", $"<sip:alice@a.test>;tag={subscriber.LocalTag}");
        notify.Headers.Add("Call-ID", subscriber.CallId);
        notify.Headers.Add("CSeq", $"{cseq} NOTIFY");
        notify.Headers.Add("Contact", "<sip:bob@10.0.0.2:5080>");
        notify.Headers.Add("Event", evt);
        if (substate.Length > 0)
        {
            notify.Headers.Add("Subscription-State", substate);
        }
        if (body is not null)
        {
            notify.Headers.Add("Content-Type", SipEventPackage.PidfContentType);
            notify.Body = Encoding.UTF8.GetBytes(body);
        }
        return notify;
    }

    /// <summary>SUBSCRIBE, 200 (Expires as given), NOTIFY active: the usual start.</summary>
    private SipSubscriber Established(int expires = 3600)
    {
        var subscriber = NewSubscriber(expires);
        var subscribe = subscriber.CreateSubscribe().Request;
        Assert.IsNull(subscriber.OnSubscribeResponse(subscribe, Respond(subscribe, 200, $"Expires: {expires}")));
        Assert.AreEqual(200, subscriber.OnNotify(Notify(subscriber, $"active;expires={expires}", 1)));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State);
        _changes.Clear();
        return subscriber;
    }

    [TestMethod]
    public void InitialSubscribeCarriesEventAcceptExpiresAndContact()
    {
        using var subscriber = NewSubscriber();
        var outbound = subscriber.CreateSubscribe();
        var r = outbound.Request;

        Assert.AreEqual("SUBSCRIBE", r.Method);
        Assert.AreEqual("sip:bob@b.test", r.RequestUri);
        Assert.AreEqual("sip:bob@b.test", outbound.NextHopUri);
        Assert.AreEqual("presence", r.Headers["Event"]);
        Assert.AreEqual("application/pidf+xml", r.Headers["Accept"]);
        Assert.AreEqual("3600", r.Headers["Expires"]);
        Assert.AreEqual("<sip:alice@10.0.0.1:5070>", r.Headers["Contact"]);
        Assert.AreEqual(subscriber.LocalTag, r.From!.Tag);
        Assert.IsNull(r.To!.Tag);
        Assert.AreEqual("1 SUBSCRIBE", r.Headers["CSeq"]);
        Assert.AreEqual(SipSubscriptionState.NotifyWait, subscriber.State);
        Assert.ThrowsExactly<InvalidOperationException>(() => subscriber.CreateSubscribe());
    }

    [TestMethod]
    public void PendingThenActiveThenTerminated()
    {
        using var subscriber = NewSubscriber();
        var subscribe = subscriber.CreateSubscribe().Request;
        subscriber.OnSubscribeResponse(subscribe, Respond(subscribe, 202, "Expires: 3600"));
        Assert.AreEqual(SipSubscriptionState.NotifyWait, subscriber.State, "a 2xx alone does not say pending or active");
        Assert.IsNotNull(subscriber.Dialog);
        Assert.AreEqual("ntag", subscriber.Dialog.RemoteTag);

        Assert.AreEqual(200, subscriber.OnNotify(Notify(subscriber, "pending;expires=3600", 1)));
        Assert.AreEqual(SipSubscriptionState.Pending, subscriber.State);
        Assert.IsEmpty(_notifications, "no body, no notification");

        Assert.AreEqual(200, subscriber.OnNotify(Notify(subscriber, "active;expires=3599", 2, "<presence/>")));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State);
        Assert.HasCount(1, _notifications);
        Assert.AreEqual("<presence/>", Encoding.UTF8.GetString(_notifications[0].Body.Span));
        Assert.AreEqual("application/pidf+xml", _notifications[0].ContentType);
        Assert.AreEqual(SipSubscriptionState.Active, _notifications[0].State);

        Assert.AreEqual(200, subscriber.OnNotify(Notify(subscriber, "terminated;reason=noresource", 3)));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
        CollectionAssert.AreEqual(
            new[] { SipSubscriptionState.Pending, SipSubscriptionState.Active, SipSubscriptionState.Terminated },
            _changes.Select(c => c.State).ToArray());
        Assert.AreEqual("noresource", _changes[^1].Reason);
        Assert.IsFalse(_changes[^1].ShouldResubscribe);
        Assert.AreEqual(481, subscriber.OnNotify(Notify(subscriber, "active;expires=10", 4)), "terminated subscriptions answer 481");
    }

    [TestMethod]
    public void NotifyBeforeTheTwoHundredCreatesTheDialog()
    {
        using var subscriber = NewSubscriber();
        var subscribe = subscriber.CreateSubscribe().Request;
        var notify = Notify(subscriber, "active;expires=3600", 5, "<presence/>");
        notify.Headers.Add("Record-Route", "<sip:proxy.b.test;lr>");

        Assert.AreEqual(200, subscriber.OnNotify(notify));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State);
        var dialog = subscriber.Dialog!;
        Assert.AreEqual(new SipDialogKey(subscriber.CallId, subscriber.LocalTag, "ntag"), dialog.Key);
        Assert.AreEqual("sip:bob@10.0.0.2:5080", dialog.RemoteTarget);
        CollectionAssert.AreEqual(new[] { "<sip:proxy.b.test;lr>" }, dialog.RouteSet.ToArray());

        Assert.IsNull(subscriber.OnSubscribeResponse(subscribe, Respond(subscribe, 200, "Expires: 3600")));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State, "the late 2xx changes nothing");
        Assert.AreSame(dialog, subscriber.Dialog);

        var refresh = subscriber.CreateRefresh();
        Assert.AreEqual("2 SUBSCRIBE", refresh.Request.Headers["CSeq"], "the dialog continues after the initial SUBSCRIBE's CSeq");
        Assert.AreEqual("ntag", refresh.Request.To!.Tag);
        Assert.AreEqual("sip:proxy.b.test;lr", refresh.NextHopUri);
        Assert.AreEqual("3600", refresh.Request.Headers["Expires"]);
        Assert.AreEqual("presence", refresh.Request.Headers["Event"]);
    }

    [TestMethod]
    public void RejectionTerminatesWithoutRetry()
    {
        using var subscriber = NewSubscriber();
        var subscribe = subscriber.CreateSubscribe().Request;
        Assert.IsNull(subscriber.OnSubscribeResponse(subscribe, Respond(subscribe, 403)));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
        Assert.HasCount(1, _changes);
        Assert.IsFalse(_changes[0].ShouldResubscribe);
        Assert.AreEqual(481, subscriber.OnNotify(Notify(subscriber, "active;expires=10", 1)));
    }

    [TestMethod]
    public void FailureWithRetryAfterAllowsRetryLater()
    {
        using var subscriber = NewSubscriber();
        var subscribe = subscriber.CreateSubscribe().Request;
        subscriber.OnSubscribeResponse(subscribe, Respond(subscribe, 503, "Retry-After: 30 (maintenance)"));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
        Assert.IsTrue(_changes[0].ShouldResubscribe);
        Assert.AreEqual(TimeSpan.FromSeconds(30), _changes[0].RetryAfter);
    }

    [TestMethod]
    public void IntervalTooBriefRetriesWithMinExpires()
    {
        using var subscriber = NewSubscriber(60);
        var first = subscriber.CreateSubscribe().Request;
        var retry = subscriber.OnSubscribeResponse(first, Respond(first, 423, "Min-Expires: 300"));

        Assert.IsNotNull(retry);
        Assert.AreEqual("300", retry.Request.Headers["Expires"]);
        Assert.AreEqual("2 SUBSCRIBE", retry.Request.Headers["CSeq"]);
        Assert.AreEqual(subscriber.CallId, retry.Request.CallId);
        Assert.AreEqual(SipSubscriptionState.NotifyWait, subscriber.State);

        // A Min-Expires no larger than what was asked cannot help: give up.
        Assert.IsNull(subscriber.OnSubscribeResponse(retry.Request, Respond(retry.Request, 423, "Min-Expires: 300")));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
    }

    [TestMethod]
    [DataRow("deactivated", null, true)]
    [DataRow("probation", 20, true)]
    [DataRow("rejected", null, false)]
    [DataRow("timeout", null, true)]
    [DataRow("giveup", 60, true)]
    [DataRow("noresource", null, false)]
    [DataRow("invariant", null, false)]
    [DataRow("something-new", null, true)]
    public void TerminationReasonsDecideResubscribe(string reason, int? retryAfter, bool resubscribe)
    {
        using var subscriber = Established();
        var substate = $"terminated;reason={reason}" + (retryAfter is { } r ? $";retry-after={r}" : string.Empty);
        Assert.AreEqual(200, subscriber.OnNotify(Notify(subscriber, substate, 2)));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
        Assert.HasCount(1, _changes);
        Assert.AreEqual(reason, _changes[0].Reason);
        Assert.AreEqual(resubscribe, _changes[0].ShouldResubscribe);
        Assert.AreEqual(retryAfter is { } s ? TimeSpan.FromSeconds(s) : null, _changes[0].RetryAfter);
    }

    [TestMethod]
    [DataRow(3600, 3240)]
    [DataRow(600, 540)]
    [DataRow(30, 25)]
    [DataRow(6, 3)]
    public void RefreshDelayKeepsASafeMargin(int granted, int refreshAt) =>
        Assert.AreEqual(TimeSpan.FromSeconds(refreshAt), SipSubscriber.RefreshDelay(TimeSpan.FromSeconds(granted)));

    [TestMethod]
    public void RefreshIsSignalledBeforeExpiryAndMovesWithEachGrant()
    {
        using var subscriber = Established(600);
        _time.Advance(TimeSpan.FromSeconds(539));
        Assert.AreEqual(0, _refreshes);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(1, _refreshes);

        var refresh = subscriber.CreateRefresh().Request;
        Assert.IsNull(subscriber.OnSubscribeResponse(refresh, Respond(refresh, 200, "Expires: 300")));
        Assert.AreEqual(_time.GetUtcNow() + TimeSpan.FromSeconds(300), subscriber.ExpiresAt);
        _time.Advance(TimeSpan.FromSeconds(269));
        Assert.AreEqual(1, _refreshes);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(2, _refreshes, "300 s granted: refresh at 270 s");
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State);
        Assert.IsEmpty(_changes);
    }

    [TestMethod]
    public void NotifyExpiresParameterReschedulesRefresh()
    {
        using var subscriber = Established(3600);
        Assert.AreEqual(200, subscriber.OnNotify(Notify(subscriber, "active;expires=100", 2)));
        _time.Advance(TimeSpan.FromSeconds(89));
        Assert.AreEqual(0, _refreshes);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(1, _refreshes);
    }

    [TestMethod]
    public void UnrefreshedSubscriptionTimesOutAndAsksForResubscribe()
    {
        using var subscriber = Established(600);
        _time.Advance(TimeSpan.FromSeconds(599));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
        Assert.AreEqual("timeout", _changes.Single().Reason);
        Assert.IsTrue(_changes.Single().ShouldResubscribe);
    }

    [TestMethod]
    public void RefreshAnswered481EndsTheSubscription()
    {
        using var subscriber = Established();
        var refresh = subscriber.CreateRefresh().Request;
        subscriber.OnSubscribeResponse(refresh, Respond(refresh, 481));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
        Assert.IsTrue(_changes.Single().ShouldResubscribe);
    }

    [TestMethod]
    public void OtherRefreshFailuresKeepTheSubscriptionUntilExpiry()
    {
        using var subscriber = Established(600);
        var refresh = subscriber.CreateRefresh().Request;
        subscriber.OnSubscribeResponse(refresh, Respond(refresh, 500));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State);
        Assert.IsEmpty(_changes);
        _time.Advance(TimeSpan.FromSeconds(600));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
    }

    [TestMethod]
    public void UnsubscribeSendsExpiresZeroAndTheFinalNotifyDoesNotAskForResubscribe()
    {
        using var subscriber = Established(30);
        var unsubscribe = subscriber.Unsubscribe();
        Assert.IsNotNull(unsubscribe);
        Assert.AreEqual("0", unsubscribe.Request.Headers["Expires"]);
        Assert.AreEqual("SUBSCRIBE", unsubscribe.Request.Method);
        Assert.AreEqual("ntag", unsubscribe.Request.To!.Tag);
        Assert.IsNull(subscriber.Unsubscribe(), "only once");

        Assert.IsNull(subscriber.OnSubscribeResponse(unsubscribe.Request, Respond(unsubscribe.Request, 200, "Expires: 0")));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State, "waits for the final NOTIFY");
        _time.Advance(TimeSpan.FromSeconds(26));
        Assert.AreEqual(0, _refreshes, "no refresh after unsubscribing (it was due at 25 s)");
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State);
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State, "ended without the final NOTIFY (expiry at 30 s)");
        Assert.IsFalse(_changes.Single().ShouldResubscribe);
    }

    [TestMethod]
    public void FinalNotifyAfterUnsubscribeTerminates()
    {
        using var subscriber = Established(600);
        var unsubscribe = subscriber.Unsubscribe()!;
        subscriber.OnSubscribeResponse(unsubscribe.Request, Respond(unsubscribe.Request, 200, "Expires: 0"));
        Assert.AreEqual(200, subscriber.OnNotify(Notify(subscriber, "terminated;reason=timeout", 2)));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
        Assert.AreEqual("timeout", _changes.Single().Reason);
        Assert.IsFalse(_changes.Single().ShouldResubscribe, "we asked for it");
    }

    [TestMethod]
    public void UnsubscribeBeforeAnyDialogEndsLocally()
    {
        using var subscriber = NewSubscriber();
        subscriber.CreateSubscribe();
        Assert.IsNull(subscriber.Unsubscribe());
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
        Assert.AreEqual(481, subscriber.OnNotify(Notify(subscriber, "active;expires=60", 1)), "the notifier learns by 481");
    }

    [TestMethod]
    public void TimerNFailsASubscriptionWithoutNotify()
    {
        using var subscriber = NewSubscriber();
        var subscribe = subscriber.CreateSubscribe().Request;
        subscriber.OnSubscribeResponse(subscribe, Respond(subscribe, 200, "Expires: 3600"));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.AreEqual(SipSubscriptionState.NotifyWait, subscriber.State);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(SipSubscriptionState.Terminated, subscriber.State);
        Assert.IsFalse(_changes.Single().ShouldResubscribe);
    }

    [TestMethod]
    public void TimerNStopsAtTheFirstNotify()
    {
        using var subscriber = NewSubscriber();
        subscriber.CreateSubscribe();
        Assert.AreEqual(200, subscriber.OnNotify(Notify(subscriber, "pending;expires=3600", 1)));
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.AreEqual(SipSubscriptionState.Pending, subscriber.State);
    }

    [TestMethod]
    public void NotifyWithoutSubscriptionStateGets400()
    {
        using var subscriber = Established();
        Assert.AreEqual(400, subscriber.OnNotify(Notify(subscriber, string.Empty, 2)));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State);
    }

    [TestMethod]
    public void NotifyForAnotherPackageGets489()
    {
        using var subscriber = Established();
        Assert.AreEqual(489, subscriber.OnNotify(Notify(subscriber, "active;expires=60", 2, evt: "message-summary")));
        Assert.AreEqual(489, subscriber.OnNotify(Notify(subscriber, "active;expires=60", 3, evt: "presence;id=7")), "the id must match too");
    }

    [TestMethod]
    public void NotifyOfUnknownSubscriptionGets481()
    {
        using var subscriber = Established();
        var notify = Notify(subscriber, "active;expires=60", 2);
        notify.Headers.Set("To", "<sip:alice@a.test>;tag=someone-else");
        Assert.AreEqual(481, subscriber.OnNotify(notify));
        Assert.AreEqual(481, subscriber.OnNotify(Notify(subscriber, "active;expires=60", 2, fromTag: "fork2")), "a second fork");
    }

    [TestMethod]
    public void OutOfOrderNotifyGets500()
    {
        using var subscriber = Established();
        Assert.AreEqual(200, subscriber.OnNotify(Notify(subscriber, "active;expires=60", 5)));
        Assert.AreEqual(500, subscriber.OnNotify(Notify(subscriber, "terminated;reason=rejected", 4)));
        Assert.AreEqual(SipSubscriptionState.Active, subscriber.State);
    }

    [TestMethod]
    public void SecondForkTwoHundredDoesNotReplaceTheDialog()
    {
        using var subscriber = NewSubscriber();
        var subscribe = subscriber.CreateSubscribe().Request;
        subscriber.OnSubscribeResponse(subscribe, Respond(subscribe, 200, "Expires: 600"));
        var expiresAt = subscriber.ExpiresAt;
        var fork = Respond(subscribe, 200, "Expires: 60");
        fork.Headers.Set("To", "<sip:bob@b.test>;tag=fork2");
        subscriber.OnSubscribeResponse(subscribe, fork);
        Assert.AreEqual("ntag", subscriber.Dialog!.RemoteTag);
        Assert.AreEqual(expiresAt, subscriber.ExpiresAt, "the other fork's Expires does not apply");
    }
}

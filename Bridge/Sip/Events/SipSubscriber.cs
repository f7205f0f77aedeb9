using System.Globalization;

namespace Bridge.Sip;

/// <summary>
/// The subscriber side of one RFC 6665 subscription (§4.1, state diagram §4.1.2): init → notify_wait → pending /
/// active → terminated. No I/O: the owner sends the requests this class builds, hands in the responses and the
/// NOTIFYs it receives, and answers each NOTIFY with the status <see cref="OnNotify"/> returns. Timers (Timer N,
/// refresh, expiry) come from the injected <see cref="TimeProvider"/>; the class raises <see cref="RefreshDue"/>
/// instead of refreshing by itself. One dialog per subscription: NOTIFYs from other forks are refused with 481,
/// which ends those forks' subscriptions at their notifiers (§4.1.2.4, §4.1.3).
/// A terminated subscription stays terminated; re-subscribing means a new <see cref="SipSubscriber"/>.
/// Section numbers are cited from knowledge of RFC 6665: the stored copies searched gave only its opening pages.
/// </summary>
public sealed partial class SipSubscriber : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SipSubscriberOptions _options;
    private readonly TimeProvider _time;
    private readonly SipEventHeader _event;
    private long _cseq;
    private TimeSpan _requested;
    private int _intervalRetries;
    private bool _unsubscribing;
    private ITimer? _timerN;
    private ITimer? _refreshTimer;
    private ITimer? _expiryTimer;
    private int _expiryGeneration;
    private int _timerNGeneration;

    public SipSubscriber(SipSubscriberOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(options.EventPackage);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Expires, TimeSpan.Zero);
        if (!SipUri.TryParse(options.Contact, out var contact) || !SipUri.TryParse(options.LocalUri, out _) || !SipUri.TryParse(options.RemoteUri, out _))
        {
            throw new ArgumentException("LocalUri, RemoteUri and Contact must be SIP URIs", nameof(options));
        }
        _options = options;
        _time = time;
        _event = new SipEventHeader(options.EventPackage, options.EventId);
        _requested = options.Expires;
        CallId = SipStack.NewCallId(contact.Host);
        LocalTag = SipStack.NewTag();
    }

    public string CallId { get; }

    public string LocalTag { get; }

    public string EventPackage => _options.EventPackage;

    public SipSubscriptionState State { get; private set; } = SipSubscriptionState.Init;

    /// <summary>Created by the first 2xx to the SUBSCRIBE or by a NOTIFY that arrives before it (§4.1.2.4).</summary>
    public SipDialog? Dialog { get; private set; }

    /// <summary>When the subscription lapses unless refreshed, from the last 2xx Expires or NOTIFY expires parameter.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>Raised on every state change; carries the termination reason and whether to re-subscribe.</summary>
    public event EventHandler<SipSubscriptionStateChangedEventArgs>? StateChanged;

    /// <summary>Raised for each accepted NOTIFY with a body, before any state change it causes.</summary>
    public event EventHandler<SipNotificationEventArgs>? Notified;

    /// <summary>Time to send <see cref="CreateRefresh"/>: raised at <see cref="RefreshDelay"/> after each new expiry.</summary>
    public event EventHandler? RefreshDue;

    /// <summary>
    /// Refresh point for a granted duration: expires - max(10 %, 5 s), but never earlier than half way, so short
    /// subscriptions do not refresh at once. §4.1.2.2 only says "before it expires"; the margin covers a
    /// retransmitted SUBSCRIBE (Timer F, 32 s, is not covered for durations under ~5 minutes: a late refresh only
    /// costs a timeout-terminated subscription, which signals re-subscribe).
    /// </summary>
    public static TimeSpan RefreshDelay(TimeSpan granted)
    {
        var margin = TimeSpan.FromTicks(Math.Max(granted.Ticks / 10, TimeSpan.FromSeconds(5).Ticks));
        return granted - TimeSpan.FromTicks(Math.Min(margin.Ticks, granted.Ticks / 2));
    }

    /// <summary>Whether a NOTIFY is addressed to this subscription (its Call-ID and To-tag are ours).</summary>
    public bool Matches(SipRequest notify)
    {
        ArgumentNullException.ThrowIfNull(notify);
        return string.Equals(notify.CallId, CallId, StringComparison.Ordinal) && string.Equals(notify.To?.Tag, LocalTag, StringComparison.Ordinal);
    }

    /// <summary>The initial SUBSCRIBE (§4.1.2.1); moves to notify_wait and starts Timer N.</summary>
    public SipOutboundRequest CreateSubscribe()
    {
        lock (_lock)
        {
            if (State != SipSubscriptionState.Init)
            {
                throw new InvalidOperationException($"the initial SUBSCRIBE was already sent (state {State})");
            }
            State = SipSubscriptionState.NotifyWait;
            StartTimerN();
            return BuildInitial();
        }
        // No event for init → notify_wait: the caller just asked for it.
    }

    /// <summary>An in-dialog SUBSCRIBE that renews the subscription for the configured duration (§4.1.2.2).</summary>
    public SipOutboundRequest CreateRefresh()
    {
        lock (_lock)
        {
            if (Dialog is null || State is SipSubscriptionState.Init or SipSubscriptionState.Terminated || _unsubscribing)
            {
                throw new InvalidOperationException($"no subscription to refresh (state {State})");
            }
            return BuildInDialog(_requested);
        }
    }

    /// <summary>
    /// Ends the subscription (§4.1.2.3): an in-dialog SUBSCRIBE with Expires: 0, after which the notifier sends a
    /// final NOTIFY (awaited for Timer N). Without a dialog yet there is nothing to send: the subscription ends
    /// here, and the notifier's first NOTIFY will get 481. Returns null when nothing needs sending.
    /// </summary>
    public SipOutboundRequest? Unsubscribe()
    {
        List<Action> raise = [];
        SipOutboundRequest? request = null;
        lock (_lock)
        {
            if (State is SipSubscriptionState.Terminated || _unsubscribing)
            {
                return null;
            }
            _unsubscribing = true;
            if (Dialog is null)
            {
                Terminate(null, null, false, raise);
            }
            else
            {
                _refreshTimer?.Dispose();
                _refreshTimer = null;
                StartTimerN();
                request = BuildInDialog(TimeSpan.Zero);
            }
        }
        Raise(raise);
        return request;
    }

    /// <summary>
    /// Feeds the final response to a SUBSCRIBE this instance built. Returns a new SUBSCRIBE to send when the
    /// response asks for a retry (423 with Min-Expires), else null.
    /// </summary>
    public SipOutboundRequest? OnSubscribeResponse(SipRequest request, SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsProvisional || !Matches(request.CallId, request.From?.Tag))
        {
            return null;
        }
        List<Action> raise = [];
        SipOutboundRequest? retry;
        lock (_lock)
        {
            retry = State == SipSubscriptionState.Terminated ? null : HandleResponse(request, response, raise);
        }
        Raise(raise);
        return retry;
    }

    /// <summary>
    /// Handles a NOTIFY for this subscription (§4.1.3) and returns the status to answer: 200; 481 when the
    /// subscription is unknown, terminated or from another fork; 489 for a different event package; 400 without
    /// a valid Event or Subscription-State; 500 when out of order in the dialog (RFC 3261 §12.2.2).
    /// </summary>
    public int OnNotify(SipRequest notify)
    {
        ArgumentNullException.ThrowIfNull(notify);
        if (notify.Method != "NOTIFY")
        {
            throw new ArgumentException($"expected a NOTIFY, got {notify.Method}", nameof(notify));
        }
        if (!Matches(notify))
        {
            return 481;
        }
        if (!SipEventHeader.TryParse(notify.Headers["Event"], out var evt))
        {
            return 400;
        }
        if (!evt.Matches(_event))
        {
            return 489;
        }
        if (!SipSubscriptionStateHeader.TryParse(notify.Headers["Subscription-State"], out var substate))
        {
            return 400;
        }
        List<Action> raise = [];
        int status;
        lock (_lock)
        {
            status = HandleNotify(notify, substate, raise);
        }
        Raise(raise);
        return status;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            CancelTimers();
        }
    }

    private int HandleNotify(SipRequest notify, SipSubscriptionStateHeader substate, List<Action> raise)
    {
        if (State is SipSubscriptionState.Init or SipSubscriptionState.Terminated)
        {
            return 481;
        }
        if (Dialog is null)
        {
            // §4.1.2.4: the NOTIFY beat the 2xx; it creates the dialog as a received dialog-creating request would.
            try
            {
                Dialog = SipDialog.FromUasRequest(notify, LocalTag, _options.Contact);
            }
            catch (FormatException)
            {
                return 400;
            }
            Dialog.LocalCSeq = _cseq;
        }
        else if (!string.Equals(Dialog.RemoteTag, notify.From?.Tag ?? string.Empty, StringComparison.Ordinal))
        {
            return 481;
        }
        else if (!Dialog.TryAcceptRemoteRequest(notify, out var reject))
        {
            return reject;
        }

        if (notify.Body.Length > 0)
        {
            var body = notify.Body;
            var contentType = notify.ContentType;
            var announced = substate.Value switch
            {
                SipSubscriptionStateHeader.Active => SipSubscriptionState.Active,
                SipSubscriptionStateHeader.Terminated => SipSubscriptionState.Terminated,
                _ => SipSubscriptionState.Pending,
            };
            raise.Add(() => Notified?.Invoke(this, new SipNotificationEventArgs(body, contentType, announced)));
        }
        if (substate.Value == SipSubscriptionStateHeader.Terminated)
        {
            var retryAfter = substate.RetryAfter is { } r ? TimeSpan.FromSeconds(r) : (TimeSpan?)null;
            Terminate(substate.Reason, retryAfter, !_unsubscribing && SipSubscriptionReasons.AllowsResubscribe(substate.Reason), raise);
            return 200;
        }
        if (_unsubscribing)
        {
            // A NOTIFY sent before our unsubscribe was processed: keep waiting for the terminated one.
            return 200;
        }
        _timerN?.Dispose();
        _timerN = null;
        _timerNGeneration++;
        // Extension substate values are treated like pending: the subscription exists but gives no state yet.
        SetState(substate.Value == SipSubscriptionStateHeader.Active ? SipSubscriptionState.Active : SipSubscriptionState.Pending, raise);
        if (substate.Expires is { } expires)
        {
            // §4.1.3: the expires parameter is the authoritative remaining duration.
            ScheduleExpiry(TimeSpan.FromSeconds(expires));
        }
        return 200;
    }

    private SipOutboundRequest? HandleResponse(SipRequest request, SipResponse response, List<Action> raise)
    {
        var initial = request.To?.Tag is null;
        SipDeltaSeconds.TryRead(request.Headers["Expires"], out var asked);
        var unsubscribe = asked == 0;
        var status = response.StatusCode;
        if (status is >= 200 and < 300)
        {
            if (unsubscribe)
            {
                return null; // the final NOTIFY (or Timer N) ends it
            }
            if (Dialog is not null && !string.Equals(Dialog.RemoteTag, response.To?.Tag ?? string.Empty, StringComparison.Ordinal))
            {
                // A 2xx from a second fork (§4.1.2.4): only the first dialog is kept; that fork's NOTIFYs get 481.
                return null;
            }
            if (initial && Dialog is null)
            {
                try
                {
                    Dialog = SipDialog.FromUacResponse(request, response);
                }
                catch (FormatException)
                {
                    // Without a usable Contact there is no way to refresh or unsubscribe.
                    Terminate(null, null, false, raise);
                    return null;
                }
            }
            // §4.1.2.1: the 2xx Expires is the granted duration; COMPAT: peers that omit it get what we asked for.
            if (!SipDeltaSeconds.TryRead(response.Headers["Expires"], out var granted) || granted is null)
            {
                granted = (int)_requested.TotalSeconds;
            }
            if (granted > 0)
            {
                ScheduleExpiry(TimeSpan.FromSeconds(granted.Value));
            }
            return null;
        }
        if (status == 423 && !unsubscribe && _intervalRetries < _options.MaxIntervalRetries
            && SipDeltaSeconds.TryRead(response.Headers["Min-Expires"], out var min) && min is { } minSeconds && TimeSpan.FromSeconds(minSeconds) > _requested)
        {
            // RFC 3261 §21.4.17 / RFC 6665 §4.1.2.1: retry with the notifier's minimum.
            _intervalRetries++;
            _requested = TimeSpan.FromSeconds(minSeconds);
            if (initial)
            {
                StartTimerN();
                return BuildInitial();
            }
            return Dialog is null ? null : BuildInDialog(_requested);
        }
        if (initial || unsubscribe)
        {
            SipDeltaSeconds.TryRead(response.Headers["Retry-After"], out var retrySeconds);
            var retryAfter = retrySeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            // State diagram §4.1.2: a failed SUBSCRIBE with Retry-After may start over once it elapses.
            Terminate(null, retryAfter, !unsubscribe && retryAfter is not null, raise);
            return null;
        }
        if (status == 481)
        {
            // §4.1.2.2: the notifier no longer knows the subscription.
            Terminate(null, null, true, raise);
        }
        // §4.1.2.2: any other refresh failure leaves the subscription valid until its known expiry.
        return null;
    }

    private bool Matches(string? callId, string? fromTag) =>
        string.Equals(callId, CallId, StringComparison.Ordinal) && string.Equals(fromTag, LocalTag, StringComparison.Ordinal);

    private SipOutboundRequest BuildInitial()
    {
        var request = new SipRequest("SUBSCRIBE", _options.RemoteUri);
        request.Headers.Add(SipHeaderNames.From, $"<{_options.LocalUri}>;tag={LocalTag}");
        request.Headers.Add(SipHeaderNames.To, $"<{_options.RemoteUri}>");
        request.Headers.Add(SipHeaderNames.CallId, CallId);
        _cseq++;
        request.Headers.Add(SipHeaderNames.CSeq, $"{_cseq.ToString(CultureInfo.InvariantCulture)} SUBSCRIBE");
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.Contact, $"<{_options.Contact}>");
        AddEventHeaders(request, _requested);
        return new SipOutboundRequest(request, _options.RemoteUri);
    }

    private SipOutboundRequest BuildInDialog(TimeSpan expires)
    {
        var outbound = Dialog!.CreateRequest("SUBSCRIBE");
        AddEventHeaders(outbound.Request, expires);
        return outbound;
    }

    private void AddEventHeaders(SipRequest request, TimeSpan expires)
    {
        request.Headers.Add("Event", _event.ToString());
        request.Headers.Add("Expires", SipDeltaSeconds.Format(expires));
        if (_options.Accept.Count > 0)
        {
            request.Headers.Add("Accept", string.Join(", ", _options.Accept));
        }
        if (_options.Supported.Count > 0)
        {
            request.Headers.Add("Supported", string.Join(", ", _options.Supported));
        }
        request.Headers.Add("Content-Length", "0");
    }

    private void SetState(SipSubscriptionState state, List<Action> raise)
    {
        if (State == state)
        {
            return;
        }
        State = state;
        var args = new SipSubscriptionStateChangedEventArgs(state, null, null, false);
        raise.Add(() => StateChanged?.Invoke(this, args));
    }

    private void Terminate(string? reason, TimeSpan? retryAfter, bool resubscribe, List<Action> raise)
    {
        CancelTimers();
        State = SipSubscriptionState.Terminated;
        var args = new SipSubscriptionStateChangedEventArgs(SipSubscriptionState.Terminated, reason, retryAfter, resubscribe);
        raise.Add(() => StateChanged?.Invoke(this, args));
    }

    private static void Raise(List<Action> raise)
    {
        foreach (var action in raise)
        {
            action();
        }
    }
}

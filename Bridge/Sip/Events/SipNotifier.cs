using System.Globalization;

namespace Bridge.Sip;

/// <summary>
/// The notifier side of one RFC 6665 subscription (§4.2): validates the initial SUBSCRIBE, holds the dialog and the
/// pending / active / terminated state, builds NOTIFYs carrying Subscription-State and the body the owner supplies,
/// takes refreshes and unsubscribes, and ends the subscription when it expires (raising <see cref="Expired"/> so
/// the owner sends the final NOTIFY) or when a NOTIFY gets 481 or 408 (§4.2.2). No I/O; timers come from the
/// injected <see cref="TimeProvider"/>. The owner routes in-dialog SUBSCRIBEs by <see cref="SipDialog.Key"/> and
/// answers 481 itself for dialogs it does not know. Section numbers are cited from knowledge of RFC 6665: the
/// stored copies searched gave only its opening pages.
/// </summary>
public sealed partial class SipNotifier : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SipNotifierOptions _options;
    private readonly TimeProvider _time;
    private ITimer? _expiryTimer;
    private int _expiryGeneration;
    private bool _finalNotifyBuilt;

    public SipNotifier(SipNotifierOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.Packages.Count == 0 || !SipUri.TryParse(options.Contact, out _))
        {
            throw new ArgumentException("a notifier needs at least one package and a SIP Contact URI", nameof(options));
        }
        _options = options;
        _time = time;
    }

    public SipSubscriptionState State { get; private set; } = SipSubscriptionState.Init;

    /// <summary>The package of the accepted subscription.</summary>
    public SipEventPackage? Package { get; private set; }

    /// <summary>The Event value of the accepted subscription (package and id), echoed in every NOTIFY.</summary>
    public SipEventHeader? Event { get; private set; }

    public SipDialog? Dialog { get; private set; }

    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>The reason the final NOTIFY carries once terminated.</summary>
    public string? TerminationReason { get; private set; }

    public event EventHandler<SipSubscriptionStateChangedEventArgs>? StateChanged;

    /// <summary>The subscription ran out without a refresh: send the final NOTIFY (<see cref="CreateNotify"/>) now.</summary>
    public event EventHandler? Expired;

    /// <summary>
    /// Judges a SUBSCRIBE: the initial one (§4.2.1.1) or, once accepted, a refresh or an unsubscribe on the same
    /// dialog (§4.2.1.2, §4.2.1.4). Rejections: 400 (no Event, Contact or bad Expires), 489 Bad Event (unsupported
    /// or different package, with Allow-Events), 406 (Accept without any body type we produce), 423 with
    /// Min-Expires, 481 (terminated or another dialog), 500 (out of order CSeq). A new subscription starts pending:
    /// call <see cref="Activate"/> once authorized, then send <see cref="CreateNotify"/>.
    /// </summary>
    public SipSubscribeDecision OnSubscribe(SipRequest subscribe)
    {
        ArgumentNullException.ThrowIfNull(subscribe);
        if (subscribe.Method != "SUBSCRIBE")
        {
            throw new ArgumentException($"expected a SUBSCRIBE, got {subscribe.Method}", nameof(subscribe));
        }
        List<Action> raise = [];
        SipSubscribeDecision decision;
        lock (_lock)
        {
            decision = State == SipSubscriptionState.Init ? HandleInitial(subscribe, raise) : HandleInDialog(subscribe, raise);
        }
        Raise(raise);
        return decision;
    }

    /// <summary>Authorization granted: pending → active (§4.2.1.3). The owner then sends a NOTIFY with the state.</summary>
    public void Activate()
    {
        List<Action> raise = [];
        lock (_lock)
        {
            if (State != SipSubscriptionState.Pending)
            {
                throw new InvalidOperationException($"only a pending subscription can be activated (state {State})");
            }
            SetState(SipSubscriptionState.Active, null, raise);
        }
        Raise(raise);
    }

    /// <summary>Ends the subscription with a reason (§4.2.2, e.g. rejected, deactivated, noresource); the owner sends the final NOTIFY.</summary>
    public void Terminate(string reason, TimeSpan? retryAfter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        List<Action> raise = [];
        lock (_lock)
        {
            if (State is SipSubscriptionState.Init or SipSubscriptionState.Terminated)
            {
                return;
            }
            RetryAfter = retryAfter;
            TerminateLocked(reason, raise);
        }
        Raise(raise);
    }

    /// <summary>Retry-after sent with a terminated Subscription-State (probation, giveup).</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>
    /// A NOTIFY with the current Subscription-State (§4.2.1.2, §8.2.3): pending;expires=N, active;expires=N with the
    /// remaining seconds, or terminated;reason=R. The body, when given, is the package's state document.
    /// After the terminated one no further NOTIFY can be built.
    /// </summary>
    public SipOutboundRequest CreateNotify(ReadOnlyMemory<byte> body = default, string? contentType = null)
    {
        if (!body.IsEmpty && string.IsNullOrEmpty(contentType))
        {
            throw new ArgumentException("a body needs a content type", nameof(contentType));
        }
        lock (_lock)
        {
            if (Dialog is null || Event is null || _finalNotifyBuilt)
            {
                throw new InvalidOperationException(_finalNotifyBuilt ? "the final NOTIFY was already built" : "no subscription accepted yet");
            }
            var outbound = Dialog.CreateRequest("NOTIFY");
            var request = outbound.Request;
            request.Headers.Add("Event", Event.ToString());
            SipSubscriptionStateHeader substate;
            if (State == SipSubscriptionState.Terminated)
            {
                _finalNotifyBuilt = true;
                var retry = RetryAfter is { } r ? (int)r.TotalSeconds : (int?)null;
                substate = new SipSubscriptionStateHeader(SipSubscriptionStateHeader.Terminated, null, TerminationReason, retry);
            }
            else
            {
                var remaining = ExpiresAt is { } at ? at - _time.GetUtcNow() : TimeSpan.Zero;
                var seconds = (int)Math.Max(0, Math.Floor(remaining.TotalSeconds));
                var value = State == SipSubscriptionState.Active ? SipSubscriptionStateHeader.Active : SipSubscriptionStateHeader.Pending;
                substate = new SipSubscriptionStateHeader(value, seconds, null, null);
            }
            request.Headers.Add("Subscription-State", substate.ToString());
            if (!body.IsEmpty)
            {
                request.Headers.Add(SipHeaderNames.ContentType, contentType!);
                request.Body = body;
            }
            request.Headers.Add(SipHeaderNames.ContentLength, body.Length.ToString(CultureInfo.InvariantCulture));
            return outbound;
        }
    }

    /// <summary>
    /// The final response to a NOTIFY we sent. §4.2.2: 481 means the subscriber has no such subscription, 408 (also
    /// the transaction layer's timeout) that it is unreachable: the subscription is removed either way.
    /// </summary>
    public void OnNotifyResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode is not (481 or 408))
        {
            return;
        }
        List<Action> raise = [];
        lock (_lock)
        {
            if (State is SipSubscriptionState.Init or SipSubscriptionState.Terminated)
            {
                return;
            }
            // Nothing more may be sent on this subscription: no final NOTIFY either.
            _finalNotifyBuilt = true;
            TerminateLocked(null, raise);
        }
        Raise(raise);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            CancelExpiry();
        }
    }

    private SipSubscribeDecision HandleInitial(SipRequest subscribe, List<Action> raise)
    {
        if (subscribe.To?.Tag is not null)
        {
            // An in-dialog request reached a fresh notifier: the subscription it refers to does not exist here.
            return Reject(481);
        }
        if (!SipEventHeader.TryParse(subscribe.Headers["Event"], out var evt))
        {
            return Reject(400);
        }
        var package = _options.Packages.FirstOrDefault(p => string.Equals(p.Name, evt.Package, StringComparison.Ordinal));
        if (package is null)
        {
            return Reject(489, "Allow-Events", string.Join(", ", _options.Packages.Select(p => p.Name)));
        }
        if (!AcceptsAny(subscribe.Headers.GetAllSplit("Accept"), package.ContentTypes))
        {
            return Reject(406, "Accept", string.Join(", ", package.ContentTypes));
        }
        if (!TryGrant(subscribe, package, out var granted, out var rejection))
        {
            return rejection;
        }
        SipDialog dialog;
        try
        {
            dialog = SipDialog.FromUasRequest(subscribe, SipStack.NewTag(), _options.Contact);
        }
        catch (FormatException)
        {
            return Reject(400);
        }
        Dialog = dialog;
        Package = package;
        Event = evt;
        if (granted == TimeSpan.Zero)
        {
            // A fetch (§4.4.3): one NOTIFY with the current state, which is also the final one.
            ExpiresAt = _time.GetUtcNow();
            TerminateLocked(SipSubscriptionReasons.Timeout, raise);
        }
        else
        {
            SetState(SipSubscriptionState.Pending, null, raise);
            ScheduleExpiry(granted);
        }
        return Accept(granted, dialog.LocalTag);
    }

    private SipSubscribeDecision HandleInDialog(SipRequest subscribe, List<Action> raise)
    {
        if (State == SipSubscriptionState.Terminated)
        {
            return Reject(481);
        }
        if (!SipEventHeader.TryParse(subscribe.Headers["Event"], out var evt))
        {
            return Reject(400);
        }
        if (!Dialog!.TryAcceptRemoteRequest(subscribe, out var status))
        {
            return Reject(status);
        }
        if (!evt.Matches(Event!))
        {
            return Reject(489, "Allow-Events", string.Join(", ", _options.Packages.Select(p => p.Name)));
        }
        if (!TryGrant(subscribe, Package!, out var granted, out var rejection))
        {
            return rejection;
        }
        if (granted == TimeSpan.Zero)
        {
            // §4.2.1.4: an unsubscribe is a refresh to zero; the final NOTIFY follows. Reason timeout: COMPAT with
            // Kamailio presence and RFC 4660-era practice; §4.1.3 gives no better-fitting code.
            ExpiresAt = _time.GetUtcNow();
            TerminateLocked(SipSubscriptionReasons.Timeout, raise);
        }
        else
        {
            ScheduleExpiry(granted);
        }
        return Accept(granted, Dialog.LocalTag);
    }

    /// <summary>Expires absent → package default; 0 stays 0; below the minimum → 423; above the maximum → shortened.</summary>
    private static bool TryGrant(SipRequest subscribe, SipEventPackage package, out TimeSpan granted, out SipSubscribeDecision rejection)
    {
        granted = TimeSpan.Zero;
        rejection = null!;
        if (!SipDeltaSeconds.TryRead(subscribe.Headers["Expires"], out var asked))
        {
            rejection = Reject(400);
            return false;
        }
        if (asked is null)
        {
            granted = package.DefaultExpires;
            return true;
        }
        var requested = TimeSpan.FromSeconds(asked.Value);
        if (requested > TimeSpan.Zero && requested < package.MinExpires)
        {
            rejection = Reject(423, "Min-Expires", SipDeltaSeconds.Format(package.MinExpires));
            return false;
        }
        granted = requested > package.MaxExpires ? package.MaxExpires : requested;
        return true;
    }

    /// <summary>RFC 3261 §20.1: media ranges with * wildcards; no Accept header means the package default (acceptable).</summary>
    private static bool AcceptsAny(IReadOnlyList<string> accept, IReadOnlyList<string> produced)
    {
        if (accept.Count == 0)
        {
            return true;
        }
        foreach (var entry in accept)
        {
            var range = entry.Split(';')[0].Trim();
            foreach (var type in produced)
            {
                var slash = type.IndexOf('/', StringComparison.Ordinal);
                if (range == "*/*" || range.Equals(type, StringComparison.OrdinalIgnoreCase)
                    || (range.EndsWith("/*", StringComparison.Ordinal) && range.AsSpan(0, range.Length - 1).Equals(type.AsSpan(0, slash + 1), StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private SipSubscribeDecision Accept(TimeSpan granted, string localTag) =>
        new(_options.AcceptStatusCode,
            [new("Expires", SipDeltaSeconds.Format(granted)), new(SipHeaderNames.Contact, $"<{_options.Contact}>")],
            SendNotify: true)
        {
            LocalTag = localTag,
        };

    private static SipSubscribeDecision Reject(int status) => new(status, [], SendNotify: false);

    private static SipSubscribeDecision Reject(int status, string header, string value) => new(status, [new(header, value)], SendNotify: false);

    private void SetState(SipSubscriptionState state, string? reason, List<Action> raise)
    {
        if (State == state)
        {
            return;
        }
        State = state;
        var args = new SipSubscriptionStateChangedEventArgs(state, reason, null, false);
        raise.Add(() => StateChanged?.Invoke(this, args));
    }

    private void TerminateLocked(string? reason, List<Action> raise)
    {
        CancelExpiry();
        TerminationReason = reason;
        SetState(SipSubscriptionState.Terminated, reason, raise);
    }

    private void ScheduleExpiry(TimeSpan duration)
    {
        CancelExpiry();
        var generation = _expiryGeneration;
        ExpiresAt = _time.GetUtcNow() + duration;
        _expiryTimer = _time.CreateTimer(_ => OnExpiry(generation), null, duration, Timeout.InfiniteTimeSpan);
    }

    private void CancelExpiry()
    {
        _expiryGeneration++;
        _expiryTimer?.Dispose();
        _expiryTimer = null;
    }

    private void OnExpiry(int generation)
    {
        List<Action> raise = [];
        lock (_lock)
        {
            if (generation != _expiryGeneration || State is SipSubscriptionState.Init or SipSubscriptionState.Terminated)
            {
                return;
            }
            // §4.2.2: a subscription that was not refreshed ends with reason=timeout.
            TerminateLocked(SipSubscriptionReasons.Timeout, raise);
            raise.Add(() => Expired?.Invoke(this, EventArgs.Empty));
        }
        Raise(raise);
    }

    private static void Raise(List<Action> raise)
    {
        foreach (var action in raise)
        {
            action();
        }
    }
}

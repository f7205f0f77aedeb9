namespace Bridge.Sip;

/// <summary>The subscriber's timers: refresh before expiry, local expiry, and Timer N (RFC 6665 §4.1.2.4).</summary>
public sealed partial class SipSubscriber
{
    private void ScheduleExpiry(TimeSpan duration)
    {
        _refreshTimer?.Dispose();
        _expiryTimer?.Dispose();
        var generation = ++_expiryGeneration;
        ExpiresAt = _time.GetUtcNow() + duration;
        if (!_unsubscribing)
        {
            _refreshTimer = _time.CreateTimer(_ => OnRefreshTimer(generation), null, RefreshDelay(duration), Timeout.InfiniteTimeSpan);
        }
        _expiryTimer = _time.CreateTimer(_ => OnExpiryTimer(generation), null, duration, Timeout.InfiniteTimeSpan);
    }

    private void StartTimerN()
    {
        _timerN?.Dispose();
        var generation = ++_timerNGeneration;
        _timerN = _time.CreateTimer(_ => OnTimerN(generation), null, _options.TimerN, Timeout.InfiniteTimeSpan);
    }

    private void CancelTimers()
    {
        _expiryGeneration++;
        _timerNGeneration++;
        _timerN?.Dispose();
        _refreshTimer?.Dispose();
        _expiryTimer?.Dispose();
        _timerN = _refreshTimer = _expiryTimer = null;
    }

    private void OnRefreshTimer(int generation)
    {
        lock (_lock)
        {
            if (generation != _expiryGeneration || _unsubscribing || State is SipSubscriptionState.Terminated)
            {
                return;
            }
        }
        RefreshDue?.Invoke(this, EventArgs.Empty);
    }

    private void OnExpiryTimer(int generation)
    {
        List<Action> raise = [];
        lock (_lock)
        {
            if (generation != _expiryGeneration || State is SipSubscriptionState.Terminated)
            {
                return;
            }
            // §4.1.2.2: not refreshed in time; same meaning as a NOTIFY with reason=timeout.
            Terminate(SipSubscriptionReasons.Timeout, null, !_unsubscribing, raise);
        }
        Raise(raise);
    }

    private void OnTimerN(int generation)
    {
        List<Action> raise = [];
        lock (_lock)
        {
            // Timer N only matters while waiting for the first NOTIFY or the final one after an unsubscribe.
            if (generation != _timerNGeneration || State is SipSubscriptionState.Terminated || (State != SipSubscriptionState.NotifyWait && !_unsubscribing))
            {
                return;
            }
            // §4.1.2.4: no NOTIFY in time means the subscription failed; no reason is known, so no automatic retry.
            Terminate(null, null, false, raise);
        }
        Raise(raise);
    }
}

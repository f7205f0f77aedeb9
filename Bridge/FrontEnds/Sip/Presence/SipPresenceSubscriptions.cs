using System.Collections.Concurrent;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Presence.Rules;
using Bridge.Mapping.Routing;
using Bridge.Mapping.Storage;
using Bridge.Sip;
using Bridge.Sip.Simple;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// XMPP watchers of SIP presentities: the bridge is the RFC 6665 subscriber (RFC 8048 §4). One
/// <see cref="SipSubscriber"/> per (bare watcher, bare presentity). XMPP subscriptions never expire, so the
/// bridge refreshes on its own and re-subscribes when the notifier ends a subscription for a reason that
/// allows it (RFC 6665 §4.1.3); only a refusal (rejected, noresource, deactivated, invariant) reaches the XMPP
/// user, as unsubscribed (RFC 8048 §4.2).
/// </summary>
public sealed partial class SipPresenceSubscriptions : IDisposable
{
    private static readonly TimeSpan Requested = TimeSpan.FromSeconds(3600);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    private readonly SipPeerSender _sender;
    private readonly Lazy<PresenceRouter> _router;
    private readonly ISubscriptionStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Watcher, string Presentity), PresenceSubscription> _byKey = [];
    private readonly ConcurrentDictionary<string, PresenceSubscription> _byCallId = new(StringComparer.Ordinal);
    private readonly PeeringPolicy _policy;
    private readonly DelegatedPresence _delegated;

    public SipPresenceSubscriptions(SipPeerSender sender, Lazy<PresenceRouter> router, ISubscriptionStore store, TimeProvider time, ILogger logger, CancellationToken stopping,
        PeeringPolicy policy, IPresenceRulesSource rules)
    {
        _sender = sender;
        _router = router;
        _store = store;
        _time = time;
        _logger = logger;
        _stopping = stopping;
        _policy = policy;
        _delegated = new DelegatedPresence(
            (relay, presentity, ct) => SubscribeAsync(relay, presentity, ct),
            (relay, presentity, ct) => UnsubscribeAsync(relay, presentity, ct),
            router, rules, store, time, logger, stopping);
    }

    /// <summary>Subscribe, Unsubscribe and Probe from an XMPP watcher to a SIP presentity.</summary>
    public Task<DeliveryResult> DeliverAsync(PresenceEvent presence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(presence);
        if (_policy.IsDelegated(presence.From.Domain, presence.To.Domain))
        {
            return DeliverDelegatedAsync(presence, ct);
        }
        return presence.Kind switch
        {
            PresenceEventKind.Subscribe => SubscribeAsync(presence.From.Bare, presence.To.Bare, ct),
            PresenceEventKind.Unsubscribe => UnsubscribeAsync(presence.From.Bare, presence.To.Bare, ct),
            PresenceEventKind.Probe => ProbeAsync(presence.From, presence.To.Bare, ct),
            _ => Task.FromResult(DeliveryResult.Fail(DeliveryFailure.BadRequest, $"{presence.Kind} is not sent by a watcher")),
        };
    }

    /// <summary>After a restart: a fresh SUBSCRIBE per stored XMPP watcher. The old dialog ends at the notifier when its next NOTIFY gets our 481.</summary>
    public void Restore(IEnumerable<SubscriptionRecord> records)
    {
        records = [.. records];
        _delegated.Restore(records);
        foreach (var record in records.Where(r => r.Role == SubscriptionRole.XmppWatcher && r.State != DelegatedPresence.DelegatedState))
        {
            var subscription = Start(record.Watcher.Bare, record.Presentity.Bare, fetchFor: null, background: true);
            subscription.SubscribedSent = record.State == "active";
            _ = RunAsync(() => SendInitialAsync(subscription, _stopping), "re-subscribe after restart");
        }
    }

    /// <summary>An incoming NOTIFY (RFC 6665 §4.1.3): matched to a subscriber by Call-ID and To-tag, else 481.</summary>
    public async Task<int> HandleNotifyAsync(SipRequest notify)
    {
        ArgumentNullException.ThrowIfNull(notify);
        if (notify.CallId is not { } callId || !_byCallId.TryGetValue(callId, out var subscription) || !subscription.Subscriber.Matches(notify))
        {
            return 481;
        }
        if (RlmiBodies.IsList(notify))
        {
            return await HandleListNotifyAsync(subscription, notify).ConfigureAwait(false);
        }
        if (!PidfBodies.TryRead(notify, subscription.Presentity, out var document, out var error))
        {
            _logger.LogWarning("NOTIFY for {Watcher} about {Presentity} has an unusable body: {Error}", subscription.Watcher, subscription.Presentity, error);
            return error?.StartsWith("unsupported", StringComparison.Ordinal) == true ? 415 : 400;
        }
        var status = subscription.Subscriber.OnNotify(notify);
        _logger.LogDebug("NOTIFY {State} for {Watcher} about {Presentity}: {Status}", notify.Headers["Subscription-State"], subscription.Watcher, subscription.Presentity, status);
        if (status != 200 || !SipSubscriptionStateHeader.TryParse(notify.Headers["Subscription-State"], out var substate))
        {
            return status;
        }
        if (subscription.FetchFor is { } probeFrom)
        {
            // A one-shot fetch answering a probe: its (usually terminated) NOTIFY carries the state once.
            if (!notify.Body.IsEmpty || substate.Value == SipSubscriptionStateHeader.Active)
            {
                await RouteAsync(new PresenceEvent(PresenceEventKind.Notify, subscription.Presentity, probeFrom, document)).ConfigureAwait(false);
            }
            return status;
        }
        if (substate.Value != SipSubscriptionStateHeader.Active || subscription.Unwanted)
        {
            return status; // pending: nothing to tell the XMPP user yet (RFC 8048 §4.2)
        }
        bool first;
        lock (_lock)
        {
            subscription.Established = true;
            subscription.Attempts = 0;
            subscription.Last = document;
            first = !subscription.SubscribedSent;
            subscription.SubscribedSent = true;
        }
        if (first)
        {
            Save(subscription, "active");
            _logger.LogInformation("Presence subscription xmpp->sip {Watcher} -> {Presentity}: active", subscription.Watcher, subscription.Presentity);
            await RouteAsync(new PresenceEvent(PresenceEventKind.Subscribed, subscription.Presentity, subscription.Watcher)).ConfigureAwait(false);
        }
        // Always the document after subscribed: Prosody sends no probe after a subscription is approved.
        await RouteAsync(new PresenceEvent(PresenceEventKind.Notify, subscription.Presentity, subscription.Watcher, document)).ConfigureAwait(false);
        return status;
    }

    public void Dispose()
    {
        foreach (var subscription in _byCallId.Values)
        {
            subscription.Subscriber.Dispose();
        }
        _byCallId.Clear();
    }

    private async Task<DeliveryResult> SubscribeAsync(ChatAddress watcher, ChatAddress presentity, CancellationToken ct)
    {
        PresenceSubscription? live;
        lock (_lock)
        {
            live = _byKey.TryGetValue(Key(watcher, presentity), out var s) && s.Subscriber.State != SipSubscriptionState.Terminated ? s : null;
        }
        if (live is not null)
        {
            if (live.SubscribedSent)
            {
                // The XMPP user asked again (a new client, a lost roster state): repeat the answer it missed.
                await RouteAsync(new PresenceEvent(PresenceEventKind.Subscribed, presentity, watcher)).ConfigureAwait(false);
                await RouteAsync(new PresenceEvent(PresenceEventKind.Notify, presentity, watcher, live.Last ?? new PresenceDocument(presentity, []))).ConfigureAwait(false);
            }
            return DeliveryResult.Ok;
        }
        if (_sender.ContactFor(watcher.Local, presentity.Domain) is null)
        {
            return DeliveryResult.Fail(DeliveryFailure.RemoteServerNotFound, $"no SIP route for {presentity.Domain}");
        }
        var subscription = Start(watcher, presentity, fetchFor: null, background: false);
        return await SendInitialAsync(subscription, ct).ConfigureAwait(false);
    }

    private async Task<DeliveryResult> UnsubscribeAsync(ChatAddress watcher, ChatAddress presentity, CancellationToken ct)
    {
        PresenceSubscription? subscription;
        lock (_lock)
        {
            if (_byKey.Remove(Key(watcher, presentity), out subscription))
            {
                subscription.Unwanted = true;
            }
        }
        _store.Delete(new SubscriptionKey(SubscriptionRole.XmppWatcher, watcher.ToString(), presentity.ToString()));
        if (subscription is null)
        {
            return DeliveryResult.Ok;
        }
        _logger.LogInformation("Presence subscription xmpp->sip {Watcher} -> {Presentity}: unsubscribed by the watcher", watcher, presentity);
        // §4.1.2.3: SUBSCRIBE with Expires: 0; the notifier's final NOTIFY is answered while the Call-ID stays known.
        if (subscription.Subscriber.Unsubscribe() is { } request)
        {
            var response = await _sender.SendAsync(request.Request, presentity.Domain, ct).ConfigureAwait(false);
            if (response is not null)
            {
                subscription.Subscriber.OnSubscribeResponse(request.Request, response);
            }
        }
        return DeliveryResult.Ok;
    }

    private async Task<DeliveryResult> ProbeAsync(ChatAddress from, ChatAddress presentity, CancellationToken ct)
    {
        PresenceDocument? known = null;
        lock (_lock)
        {
            if (_byKey.TryGetValue(Key(from.Bare, presentity), out var s) && s.Subscriber.State == SipSubscriptionState.Active)
            {
                known = s.Last;
            }
        }
        known ??= ListMemberDocument(from.Bare, presentity);
        if (known is not null)
        {
            await RouteAsync(new PresenceEvent(PresenceEventKind.Notify, presentity, from, known)).ConfigureAwait(false);
            return DeliveryResult.Ok;
        }
        if (_sender.ContactFor(from.Local, presentity.Domain) is null)
        {
            return DeliveryResult.Fail(DeliveryFailure.RemoteServerNotFound, $"no SIP route for {presentity.Domain}");
        }
        // RFC 6665 §4.4.3: a fetch is a SUBSCRIBE with Expires: 0; one NOTIFY with the state comes back.
        var fetch = Start(from.Bare, presentity, fetchFor: from, background: false);
        return await SendInitialAsync(fetch, ct).ConfigureAwait(false);
    }

    private PresenceSubscription Start(ChatAddress watcher, ChatAddress presentity, ChatAddress? fetchFor, bool background, PresenceSubscription? previous = null)
    {
        var contact = _sender.ContactFor(watcher.Local, presentity.Domain) ?? $"sip:{watcher.Local}@invalid.invalid";
        var options = new SipSubscriberOptions("presence", SipAddressMapping.ToSip(watcher), SipAddressMapping.ToSip(presentity), contact,
            fetchFor is null ? Requested : TimeSpan.Zero)
        {
            // RFC 4662 §4.1: offering eventlist lets the URI be a list; for a plain presentity nothing changes.
            Accept = [SipEventPackage.PidfContentType, RlmiParser.ContentType, RlmiBodies.MultipartRelated],
            Supported = ["eventlist"],
        };
        var subscription = new PresenceSubscription(new SipSubscriber(options, _time), watcher, presentity, fetchFor, background)
        {
            SubscribedSent = previous?.SubscribedSent ?? false,
            Last = previous?.Last,
            Attempts = previous is null ? 0 : previous.Attempts + 1,
        };
        subscription.Subscriber.StateChanged += (_, e) => OnStateChanged(subscription, e);
        subscription.Subscriber.RefreshDue += (_, _) => _ = RunAsync(() => RefreshAsync(subscription), "refresh");
        _byCallId[subscription.Subscriber.CallId] = subscription;
        if (fetchFor is null)
        {
            lock (_lock)
            {
                _byKey[Key(watcher, presentity)] = subscription;
            }
            if (previous is null)
            {
                Save(subscription, subscription.SubscribedSent ? "active" : "subscribing");
            }
        }
        return subscription;
    }

    private async Task<DeliveryResult> SendInitialAsync(PresenceSubscription subscription, CancellationToken ct)
    {
        var request = subscription.Subscriber.CreateSubscribe();
        while (true)
        {
            var response = await _sender.SendAsync(request.Request, subscription.Presentity.Domain, ct).ConfigureAwait(false);
            if (response is null)
            {
                subscription.LastStatus = 503;
                subscription.Subscriber.Unsubscribe(); // nothing was sent: ends it locally
                return DeliveryResult.Fail(DeliveryFailure.RemoteServerNotFound, $"no SIP route for {subscription.Presentity.Domain}");
            }
            subscription.LastStatus = response.StatusCode;
            if (response.StatusCode is >= 200 and < 300)
            {
                subscription.Established = true;
            }
            var retry = subscription.Subscriber.OnSubscribeResponse(request.Request, response);
            if (retry is null)
            {
                return response.StatusCode is >= 200 and < 300
                    ? DeliveryResult.Ok
                    : DeliveryResult.Fail(SipErrorMapping.FromSipStatus(response.StatusCode), $"{response.StatusCode} {response.ReasonPhrase}", response.StatusCode);
            }
            request = retry;
        }
    }

    /// <summary>RFC 6665 §4.1.2.2: refresh before expiry; a 481 ends the subscription and OnStateChanged starts a new one.</summary>
    private async Task RefreshAsync(PresenceSubscription subscription)
    {
        SipOutboundRequest request;
        try
        {
            request = subscription.Subscriber.CreateRefresh();
        }
        catch (InvalidOperationException)
        {
            return; // ended meanwhile
        }
        var response = await _sender.SendAsync(request.Request, subscription.Presentity.Domain, _stopping).ConfigureAwait(false)
            ?? new SipResponse(503, "No Route");
        subscription.Subscriber.OnSubscribeResponse(request.Request, response);
    }

    private void OnStateChanged(PresenceSubscription subscription, SipSubscriptionStateChangedEventArgs e)
    {
        if (e.State != SipSubscriptionState.Terminated)
        {
            return;
        }
        _byCallId.TryRemove(new KeyValuePair<string, PresenceSubscription>(subscription.Subscriber.CallId, subscription));
        subscription.Subscriber.Dispose();
        if (subscription.FetchFor is not null || subscription.Unwanted)
        {
            return;
        }
        var key = Key(subscription.Watcher, subscription.Presentity);
        lock (_lock)
        {
            if (!_byKey.TryGetValue(key, out var current) || current != subscription)
            {
                return; // replaced or unsubscribed meanwhile
            }
        }
        var refused = e.Reason is SipSubscriptionReasons.Rejected or SipSubscriptionReasons.NoResource
            or SipSubscriptionReasons.Deactivated or SipSubscriptionReasons.Invariant;
        // A SUBSCRIBE refused outright (404, 403, ...) without Retry-After: retrying would only be refused again.
        var hardFailure = !subscription.Established && e.RetryAfter is null && subscription.LastStatus is >= 300 and not (408 or 480 or 500 or 503);
        if (refused || (hardFailure && subscription.Background))
        {
            Forget(subscription, key);
            _logger.LogInformation("Presence subscription xmpp->sip {Watcher} -> {Presentity}: terminated ({Reason})", subscription.Watcher, subscription.Presentity, e.Reason ?? subscription.LastStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _ = RunAsync(() => RouteAsync(new PresenceEvent(PresenceEventKind.Unsubscribed, subscription.Presentity, subscription.Watcher, Reason: e.Reason)), "unsubscribed");
            return;
        }
        if (!subscription.Established && !subscription.Background)
        {
            // The first SUBSCRIBE the XMPP user asked for failed: DeliverAsync reports it, nothing to keep.
            Forget(subscription, key);
            return;
        }
        // timeout, probation, giveup, no reason, a refresh answered 481, Timer N: the XMPP subscription still
        // stands, so start a new SIP one (after retry-after when given, backing off when it keeps failing).
        var delay = e.RetryAfter ?? TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, TimeSpan.FromSeconds(30).Ticks * subscription.Attempts));
        _logger.LogInformation("Presence subscription xmpp->sip {Watcher} -> {Presentity}: terminated ({Reason}), re-subscribing in {Delay}", subscription.Watcher, subscription.Presentity, e.Reason ?? "no reason", delay);
        if (delay <= TimeSpan.Zero)
        {
            _ = RunAsync(() => ResubscribeAsync(subscription), "re-subscribe");
        }
        else
        {
            ITimer? timer = null;
            timer = _time.CreateTimer(_ =>
            {
                timer?.Dispose();
                _ = RunAsync(() => ResubscribeAsync(subscription), "re-subscribe");
            }, null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task ResubscribeAsync(PresenceSubscription previous)
    {
        lock (_lock)
        {
            if (!_byKey.TryGetValue(Key(previous.Watcher, previous.Presentity), out var current) || current != previous)
            {
                return;
            }
        }
        var next = Start(previous.Watcher, previous.Presentity, fetchFor: null, background: true, previous);
        await SendInitialAsync(next, _stopping).ConfigureAwait(false);
    }

    private void Forget(PresenceSubscription subscription, (string, string) key)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out var current) && current == subscription)
            {
                _byKey.Remove(key);
            }
        }
        _store.Delete(new SubscriptionKey(SubscriptionRole.XmppWatcher, key.Item1, key.Item2));
    }

    private void Save(PresenceSubscription subscription, string state) =>
        _store.Save(new SubscriptionRecord(SubscriptionRole.XmppWatcher, subscription.Watcher, subscription.Presentity, state, null, _time.GetUtcNow()));

    /// <summary>To XMPP, or, for a shared subscription (addressed to the relay), fanned out by the rules.</summary>
    private Task RouteAsync(PresenceEvent presence) => DelegatedPresence.IsRelay(presence.To)
        ? _delegated.OnSharedEventAsync(presence)
        : PresenceWork.RouteAsync(_router, presence, _logger, _stopping);

    private Task RunAsync(Func<Task> work, string what) => PresenceWork.RunDetachedAsync(work, "subscription " + what, _logger, _stopping);

    private static (string, string) Key(ChatAddress watcher, ChatAddress presentity) => (watcher.Bare.ToString(), presentity.Bare.ToString());
}

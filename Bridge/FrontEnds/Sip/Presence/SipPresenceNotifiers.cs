using System.Collections.Concurrent;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Bridge.Mapping.Storage;
using Bridge.Sip;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// SIP watchers of XMPP presentities: the bridge is the RFC 6665 notifier (RFC 8048 §5). A SUBSCRIBE becomes an
/// XMPP subscribe; the XMPP user's answer (subscribed / unsubscribed) and presence become NOTIFYs in the
/// subscription's dialog. Each subscription is stored with its dialog so NOTIFYs continue after a restart.
/// </summary>
public sealed class SipPresenceNotifiers : IDisposable
{
    private readonly SipStack _stack;
    private readonly IBridgeConfigSource _config;
    private readonly SipPeerSender _sender;
    private readonly Lazy<PresenceRouter> _router;
    private readonly ISubscriptionStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Watcher, string Presentity), PresenceWatch> _byKey = [];
    private readonly ConcurrentDictionary<SipDialogKey, PresenceWatch> _byDialog = new();

    public SipPresenceNotifiers(SipStack stack, IBridgeConfigSource config, SipPeerSender sender, Lazy<PresenceRouter> router,
        ISubscriptionStore store, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _stack = stack;
        _config = config;
        _sender = sender;
        _router = router;
        _store = store;
        _time = time;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>Subscribed, Unsubscribed and Notify from an XMPP presentity to a SIP watcher.</summary>
    public async Task<DeliveryResult> DeliverAsync(PresenceEvent presence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(presence);
        PresenceWatch? watch;
        lock (_lock)
        {
            _byKey.TryGetValue(Key(presence.Watcher, presence.Presentity), out watch);
        }
        if (watch is null)
        {
            // No SIP subscription for this pair (never made, or ended): a SIP watcher cannot be told anything
            // outside a subscription (RFC 6665 §4.2.1), so there is nothing to do.
            _logger.LogDebug("No SIP subscription for {Event}; dropped", presence);
            return DeliveryResult.Ok;
        }
        switch (presence.Kind)
        {
            case PresenceEventKind.Subscribed:
                if (watch.Notifier.State == SipSubscriptionState.Pending)
                {
                    watch.Notifier.Activate(); // §4.2.1.3: authorized; the NOTIFY below carries the state
                    _logger.LogInformation("Presence subscription sip->xmpp {Watcher} -> {Presentity}: active", watch.Watcher, watch.Presentity);
                }
                await SendNotifyAsync(watch, ct).ConfigureAwait(false);
                break;
            case PresenceEventKind.Unsubscribed:
                await EndAsync(watch, SipSubscriptionReasons.Rejected, routeUnsubscribe: false, ct).ConfigureAwait(false);
                break;
            case PresenceEventKind.Notify:
                watch.Last = presence.Document;
                if (watch.Restored && watch.Notifier.State == SipSubscriptionState.Pending)
                {
                    // The store may lag the last moments before a crash (writes are batched): a subscription saved as
                    // pending may have been approved since. The XMPP server answers our restart probe with presence
                    // only for an authorized watcher (RFC 6121 §4.3.2), so that answer is the approval.
                    watch.Notifier.Activate();
                    _logger.LogInformation("Presence subscription sip->xmpp {Watcher} -> {Presentity}: active (probe answered after restart)", watch.Watcher, watch.Presentity);
                }
                if (watch.Notifier.State == SipSubscriptionState.Active)
                {
                    await SendNotifyAsync(watch, ct).ConfigureAwait(false);
                }
                break;
            default:
                return DeliveryResult.Fail(DeliveryFailure.BadRequest, $"{presence.Kind} is not sent by a presentity");
        }
        return DeliveryResult.Ok;
    }

    /// <summary>After a restart: every stored SIP watcher's notifier comes back on its dialog, and XMPP is probed for the current presence.</summary>
    public async Task RestoreAsync(IEnumerable<SubscriptionRecord> records)
    {
        foreach (var record in records.Where(r => r.Role == SubscriptionRole.SipWatcher))
        {
            SipNotifier notifier;
            try
            {
                var snapshot = SipNotifierRecordData.TryDeserialize(record.Data) ?? throw new FormatException("no readable dialog data");
                notifier = SipNotifier.Restore(NotifierOptions(snapshot.LocalContact), _time, snapshot);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                _logger.LogWarning("Dropped stored SIP subscription {Watcher} -> {Presentity}: {Error}", record.Watcher, record.Presentity, e.Message);
                _store.Delete(record.Key);
                continue;
            }
            var watch = Register(notifier, record.Watcher.Bare, record.Presentity.Bare);
            watch.Restored = true;
            if (notifier.State == SipSubscriptionState.Terminated)
            {
                // Expired while the bridge was down (§4.2.2): final NOTIFY, and the XMPP side learns it ended.
                await EndAsync(watch, null, routeUnsubscribe: true, _stopping).ConfigureAwait(false);
                continue;
            }
            _logger.LogInformation("Presence subscription sip->xmpp {Watcher} -> {Presentity}: restored ({State})", watch.Watcher, watch.Presentity, notifier.State);
            await RouteAsync(new PresenceEvent(PresenceEventKind.Probe, watch.Watcher, watch.Presentity)).ConfigureAwait(false);
        }
    }

    /// <summary>A SUBSCRIBE from a SIP watcher: a new subscription (no To-tag) or a refresh / unsubscribe in an existing dialog.</summary>
    public async Task HandleSubscribeAsync(SipServerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var request = transaction.Request;
        if (request.To?.Tag is not null)
        {
            await HandleInDialogAsync(transaction).ConfigureAwait(false);
            return;
        }
        if (request.From is not { } fromAddr || !SipAddressMapping.TryFromSip(fromAddr.Uri, out var watcher) || watcher.Local is null)
        {
            await RespondAsync(transaction, 400, "bad From").ConfigureAwait(false);
            return;
        }
        if (!SipAddressMapping.TryFromSip(request.RequestUri, out var presentity) || presentity.Local is null)
        {
            await RespondAsync(transaction, 404, "no such user").ConfigureAwait(false);
            return;
        }
        watcher = watcher.Bare;
        presentity = presentity.Bare;
        if (!SipTrust.IsTrustedFor(_config.Current, watcher.Domain, transaction))
        {
            _logger.LogWarning("Refused SUBSCRIBE from {From} via {Source}: that source is not trusted for {Domain}", watcher, transaction.Remote.EndPoint, watcher.Domain);
            await RespondAsync(transaction, 403, $"source {transaction.Remote.EndPoint.Address} is not trusted for {watcher.Domain}").ConfigureAwait(false);
            return;
        }
        var subscribe = new PresenceEvent(PresenceEventKind.Subscribe, watcher, presentity);
        var policy = _router.Value.Check(subscribe, DomainProtocol.Sip);
        if (!policy.IsAllowed)
        {
            _logger.LogWarning("Refused SUBSCRIBE from {From} to {To}: {Reason}", watcher, presentity, policy.Reason);
            await RespondAsync(transaction, 403, policy.Reason).ConfigureAwait(false);
            return;
        }
        if (_router.Value.Admit(subscribe) is { Error: { } limited })
        {
            // Refused before anything is committed (no 202, no dialog): 503 with Retry-After (RFC 3261 §21.5.4).
            await RespondAsync(transaction, 503, limited.Text, limited.RetryAfter).ConfigureAwait(false);
            return;
        }
        var contact = _sender.ContactFor(presentity.Local, watcher.Domain);
        if (contact is null)
        {
            await RespondAsync(transaction, 403, $"no SIP route back to {watcher.Domain}").ConfigureAwait(false);
            return;
        }
        var notifier = new SipNotifier(NotifierOptions(contact), _time);
        var decision = notifier.OnSubscribe(request);
        await AnswerAsync(transaction, decision).ConfigureAwait(false);
        if (decision.StatusCode is < 200 or >= 300)
        {
            notifier.Dispose();
            return;
        }
        if (notifier.State == SipSubscriptionState.Terminated)
        {
            // A fetch (Expires: 0, §4.4.3). The bridge holds no XMPP presence without a subscription, so the one
            // NOTIFY carries no state; a SIP client then keeps whatever it showed.
            await SendAsync(notifier, watcher, notifier.CreateNotify()).ConfigureAwait(false);
            notifier.Dispose();
            return;
        }
        var watch = Register(notifier, watcher, presentity);
        _logger.LogInformation("Presence subscription sip->xmpp {Watcher} -> {Presentity}: pending", watcher, presentity);
        // Routed before the first NOTIFY goes out so that a quick unsubscribe from the watcher cannot reach XMPP
        // before this subscribe does; an XMPP answer arriving meanwhile only makes that NOTIFY say active.
        var result = await _router.Value.RouteAsync(subscribe, DomainProtocol.Sip, _stopping, admitted: true).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            // The XMPP side cannot take the request: end the subscription rather than leave it pending forever.
            var reason = error.IsPolicyRefusal || error.Failure is DeliveryFailure.ItemNotFound or DeliveryFailure.RemoteServerNotFound
                ? SipSubscriptionReasons.NoResource : SipSubscriptionReasons.Probation;
            await EndAsync(watch, reason, routeUnsubscribe: false, _stopping).ConfigureAwait(false);
            return;
        }
        // §4.2.1.2: a NOTIFY follows every accepted SUBSCRIBE. Pending carries no body: nothing may be disclosed
        // before the presentity authorizes the watcher (RFC 3856 §6.6 leaves the pending document to policy).
        await SendNotifyAsync(watch, _stopping).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var watch in _byDialog.Values)
        {
            watch.Notifier.Dispose();
            watch.Gate.Dispose();
        }
        _byDialog.Clear();
    }

    private async Task HandleInDialogAsync(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        if (SipDialogKey.ForIncomingRequest(request) is not { } key || !_byDialog.TryGetValue(key, out var watch))
        {
            await RespondAsync(transaction, 481, null).ConfigureAwait(false);
            return;
        }
        if (!SipTrust.IsTrustedFor(_config.Current, watch.Watcher.Domain, transaction))
        {
            await RespondAsync(transaction, 403, $"source {transaction.Remote.EndPoint.Address} is not trusted for {watch.Watcher.Domain}").ConfigureAwait(false);
            return;
        }
        var decision = watch.Notifier.OnSubscribe(request);
        await AnswerAsync(transaction, decision).ConfigureAwait(false);
        if (!decision.SendNotify)
        {
            return;
        }
        if (watch.Notifier.State == SipSubscriptionState.Terminated)
        {
            _logger.LogInformation("Presence subscription sip->xmpp {Watcher} -> {Presentity}: unsubscribed by the watcher", watch.Watcher, watch.Presentity);
            await EndAsync(watch, null, routeUnsubscribe: true, _stopping).ConfigureAwait(false);
            return;
        }
        // A refresh: §4.2.1.2 wants a NOTIFY with the current state.
        await SendNotifyAsync(watch, _stopping).ConfigureAwait(false);
    }

    private PresenceWatch Register(SipNotifier notifier, ChatAddress watcher, ChatAddress presentity)
    {
        var watch = new PresenceWatch(notifier, watcher, presentity);
        PresenceWatch? replaced;
        lock (_lock)
        {
            // One subscription per pair: a new SUBSCRIBE from the same watcher (a client restart) replaces the old one.
            _byKey.Remove(Key(watcher, presentity), out replaced);
            _byKey[Key(watcher, presentity)] = watch;
        }
        if (replaced is not null)
        {
            _byDialog.TryRemove(replaced.Notifier.Dialog!.Key, out _);
            replaced.Notifier.Dispose();
        }
        _byDialog[notifier.Dialog!.Key] = watch;
        notifier.Expired += (_, _) => _ = RunAsync(() => EndAsync(watch, null, routeUnsubscribe: true, _stopping));
        Save(watch);
        return watch;
    }

    /// <summary>
    /// Ends a subscription: terminates the notifier with <paramref name="reason"/> (null when it already is),
    /// sends the final NOTIFY, forgets it, and optionally tells the XMPP presentity the watcher left.
    /// </summary>
    private async Task EndAsync(PresenceWatch watch, string? reason, bool routeUnsubscribe, CancellationToken ct)
    {
        if (reason is not null)
        {
            watch.Notifier.Terminate(reason, reason == SipSubscriptionReasons.Probation ? TimeSpan.FromMinutes(5) : null);
        }
        await SendNotifyAsync(watch, ct).ConfigureAwait(false);
        if (!Forget(watch))
        {
            return;
        }
        _logger.LogInformation("Presence subscription sip->xmpp {Watcher} -> {Presentity}: terminated ({Reason})", watch.Watcher, watch.Presentity, watch.Notifier.TerminationReason ?? "no reason");
        if (routeUnsubscribe)
        {
            await RouteAsync(new PresenceEvent(PresenceEventKind.Unsubscribe, watch.Watcher, watch.Presentity)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the NOTIFY for the notifier's current state: pending without body, active with the presentity's last
    /// known document (closed when none is known yet), terminated without body. One at a time per subscription so
    /// CSeqs reach the watcher in order.
    /// </summary>
    private async Task SendNotifyAsync(PresenceWatch watch, CancellationToken ct)
    {
        bool endedBefore;
        await watch.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            endedBefore = watch.Notifier.State == SipSubscriptionState.Terminated;
            SipOutboundRequest notify;
            try
            {
                notify = watch.Notifier.State == SipSubscriptionState.Active
                    ? watch.Notifier.CreateNotify(PidfBodies.Write(watch.Last ?? new PresenceDocument(watch.Presentity, [])), SipEventPackage.PidfContentType)
                    : watch.Notifier.CreateNotify();
            }
            catch (InvalidOperationException)
            {
                return; // the final NOTIFY already went out
            }
            await SendAsync(watch.Notifier, watch.Watcher, notify).ConfigureAwait(false);
        }
        finally
        {
            watch.Gate.Release();
        }
        if (watch.Notifier.State == SipSubscriptionState.Terminated)
        {
            if (!endedBefore && Forget(watch))
            {
                // §4.2.2: the NOTIFY got 481 or 408: the watcher is gone.
                _logger.LogInformation("Presence subscription sip->xmpp {Watcher} -> {Presentity}: terminated (NOTIFY refused)", watch.Watcher, watch.Presentity);
                await RouteAsync(new PresenceEvent(PresenceEventKind.Unsubscribe, watch.Watcher, watch.Presentity)).ConfigureAwait(false);
            }
            return;
        }
        Save(watch); // the local CSeq moved; the store batches
    }

    private async Task SendAsync(SipNotifier notifier, ChatAddress watcher, SipOutboundRequest notify)
    {
        var response = await _sender.SendAsync(notify.Request, watcher.Domain, _stopping).ConfigureAwait(false) ?? new SipResponse(408, "No Route");
        _logger.LogDebug("NOTIFY {State} to {Watcher}: {Status}", notify.Request.Headers["Subscription-State"], watcher, response.StatusCode);
        notifier.OnNotifyResponse(response);
    }

    private bool Forget(PresenceWatch watch)
    {
        lock (_lock)
        {
            if (!_byKey.TryGetValue(Key(watch.Watcher, watch.Presentity), out var current) || current != watch)
            {
                return false;
            }
            _byKey.Remove(Key(watch.Watcher, watch.Presentity));
        }
        _byDialog.TryRemove(watch.Notifier.Dialog!.Key, out _);
        watch.Notifier.Dispose();
        _store.Delete(new SubscriptionKey(SubscriptionRole.SipWatcher, watch.Watcher.ToString(), watch.Presentity.ToString()));
        return true;
    }

    private void Save(PresenceWatch watch)
    {
        if (watch.Notifier.Snapshot() is not { } snapshot)
        {
            return;
        }
        var state = snapshot.State == SipSubscriptionState.Active ? "active" : "pending";
        _store.Save(new SubscriptionRecord(SubscriptionRole.SipWatcher, watch.Watcher, watch.Presentity, state, SipNotifierRecordData.Serialize(snapshot), _time.GetUtcNow()));
    }

    private static SipNotifierOptions NotifierOptions(string contact) =>
        // 202 for a subscription that starts pending: COMPAT with RFC 3265 watchers (RFC 6665 §8.3.1 lets either through).
        new([SipEventPackage.Presence], contact) { AcceptStatusCode = 202 };

    private async Task AnswerAsync(SipServerTransaction transaction, SipSubscribeDecision decision)
    {
        var response = _stack.CreateResponse(transaction.Request, decision.StatusCode);
        decision.ApplyTo(response);
        await transaction.SendResponseAsync(response).ConfigureAwait(false);
    }

    private async Task RespondAsync(SipServerTransaction transaction, int status, string? warning, TimeSpan? retryAfter = null)
    {
        var response = _stack.CreateResponse(transaction.Request, status);
        if (warning is not null)
        {
            SipWarnings.Add(response, warning);
        }
        if (retryAfter is { } delay)
        {
            SipRetryAfter.Add(response, delay);
        }
        await transaction.SendResponseAsync(response).ConfigureAwait(false);
    }

    private Task RouteAsync(PresenceEvent presence) => PresenceWork.RouteAsync(_router, presence, _logger, _stopping);

    private Task RunAsync(Func<Task> work) => PresenceWork.RunDetachedAsync(work, "ending an expired SIP presence subscription", _logger, _stopping);

    private static (string, string) Key(ChatAddress watcher, ChatAddress presentity) => (watcher.Bare.ToString(), presentity.Bare.ToString());
}

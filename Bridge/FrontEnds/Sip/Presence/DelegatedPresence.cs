using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Presence.Rules;
using Bridge.Mapping.Routing;
using Bridge.Mapping.Storage;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// Authorization migration (SPEERMINT presence use case 3.3) for XMPP watchers of SIP presentities: one SIP
/// subscription per presentity and watcher domain, in the name of the domain's relay address
/// (<see cref="RelayLocal"/>@a.test), carries the full document across the peering link once; the bridge then
/// applies the presentity's pres-rules (RFC 5025) to each watcher and sends each the view it may see. A watcher
/// the rules block is told unsubscribed; polite-block is shown a subscription that never says anything.
/// </summary>
public sealed class DelegatedPresence
{
    /// <summary>The local part of the shared subscriptions' watcher address (From: sip:delegated-presence@a.test).</summary>
    public const string RelayLocal = "delegated-presence";

    /// <summary>Stored state of a delegated XMPP watcher: it has no SIP subscription of its own.</summary>
    public const string DelegatedState = "delegated";

    private readonly Func<ChatAddress, ChatAddress, CancellationToken, Task<DeliveryResult>> _subscribeShared;
    private readonly Func<ChatAddress, ChatAddress, CancellationToken, Task<DeliveryResult>> _unsubscribeShared;
    private readonly Lazy<PresenceRouter> _router;
    private readonly IPresenceRulesSource _rules;
    private readonly ISubscriptionStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Shared> _byPresentity = new(StringComparer.Ordinal);

    public DelegatedPresence(
        Func<ChatAddress, ChatAddress, CancellationToken, Task<DeliveryResult>> subscribeShared,
        Func<ChatAddress, ChatAddress, CancellationToken, Task<DeliveryResult>> unsubscribeShared,
        Lazy<PresenceRouter> router, IPresenceRulesSource rules, ISubscriptionStore store, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _subscribeShared = subscribeShared;
        _unsubscribeShared = unsubscribeShared;
        _router = router;
        _rules = rules;
        _store = store;
        _time = time;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>True for the watcher address of a shared subscription.</summary>
    public static bool IsRelay(ChatAddress watcher) => watcher.Local == RelayLocal;

    public static ChatAddress RelayFor(string watcherDomain) => new(RelayLocal, watcherDomain);

    /// <summary>An XMPP watcher's subscribe: decided by the presentity's rules; the first allowed watcher opens the shared subscription.</summary>
    public async Task<DeliveryResult> SubscribeAsync(ChatAddress watcher, ChatAddress presentity, CancellationToken ct)
    {
        var grant = _rules.RulesFor(presentity).For(watcher);
        _logger.LogInformation("Delegated presence {Watcher} -> {Presentity}: {Handling} (note {Note}, activities {Activities})",
            watcher, presentity, grant.SubHandling, grant.ProvideNote, grant.ProvideActivities);
        switch (grant.SubHandling)
        {
            case SubHandling.Block:
                await RouteAsync(new PresenceEvent(PresenceEventKind.Unsubscribed, presentity, watcher, Reason: "blocked by the presentity's rules")).ConfigureAwait(false);
                return DeliveryResult.Ok;
            case SubHandling.Confirm:
                // Nobody on the SIP side can be asked through a shared subscription: the request stays pending.
                return DeliveryResult.Ok;
            case SubHandling.PoliteBlock:
                // RFC 5025 §3.2.1: looks accepted, never shows anything.
                await RouteAsync(new PresenceEvent(PresenceEventKind.Subscribed, presentity, watcher)).ConfigureAwait(false);
                await RouteAsync(new PresenceEvent(PresenceEventKind.Notify, presentity, watcher, new PresenceDocument(presentity, []))).ConfigureAwait(false);
                return DeliveryResult.Ok;
        }
        Shared shared;
        bool open;
        lock (_lock)
        {
            var key = Key(watcher.Domain, presentity);
            open = !_byPresentity.TryGetValue(key, out shared!);
            if (open)
            {
                shared = new Shared(presentity, watcher.Domain);
                _byPresentity[key] = shared;
            }
            shared.Watchers.Add(watcher.Bare);
        }
        _store.Save(new SubscriptionRecord(SubscriptionRole.XmppWatcher, watcher.Bare, presentity, DelegatedState, null, _time.GetUtcNow()));
        if (open)
        {
            return await _subscribeShared(RelayFor(watcher.Domain), presentity, ct).ConfigureAwait(false);
        }
        if (shared.Last is { } last)
        {
            // The shared subscription already knows the presentity: this watcher's view at once.
            await RouteAsync(new PresenceEvent(PresenceEventKind.Subscribed, presentity, watcher.Bare)).ConfigureAwait(false);
            await RouteAsync(new PresenceEvent(PresenceEventKind.Notify, presentity, watcher.Bare, grant.Apply(last))).ConfigureAwait(false);
        }
        return DeliveryResult.Ok;
    }

    public async Task<DeliveryResult> UnsubscribeAsync(ChatAddress watcher, ChatAddress presentity, CancellationToken ct)
    {
        _store.Delete(new SubscriptionKey(SubscriptionRole.XmppWatcher, watcher.Bare.ToString(), presentity.Bare.ToString()));
        bool last;
        lock (_lock)
        {
            var key = Key(watcher.Domain, presentity);
            if (!_byPresentity.TryGetValue(key, out var shared) || !shared.Watchers.Remove(watcher.Bare))
            {
                return DeliveryResult.Ok;
            }
            last = shared.Watchers.Count == 0;
            if (last)
            {
                _byPresentity.Remove(key);
            }
        }
        return last ? await _unsubscribeShared(RelayFor(watcher.Domain), presentity, ct).ConfigureAwait(false) : DeliveryResult.Ok;
    }

    /// <summary>A probe from a delegated watcher, answered from the shared document; false when there is none to answer with.</summary>
    public async Task<bool> TryAnswerProbeAsync(ChatAddress from, ChatAddress presentity)
    {
        PresenceDocument? last;
        lock (_lock)
        {
            last = _byPresentity.TryGetValue(Key(from.Domain, presentity), out var shared) && shared.Watchers.Contains(from.Bare) ? shared.Last : null;
        }
        if (last is null)
        {
            return false;
        }
        var view = _rules.RulesFor(presentity).For(from).Apply(last);
        await RouteAsync(new PresenceEvent(PresenceEventKind.Notify, presentity, from, view ?? new PresenceDocument(presentity, []))).ConfigureAwait(false);
        return true;
    }

    /// <summary>After a restart: the delegated watchers come back before their shared subscriptions are SUBSCRIBEd afresh.</summary>
    public void Restore(IEnumerable<SubscriptionRecord> records)
    {
        lock (_lock)
        {
            foreach (var record in records.Where(r => r.Role == SubscriptionRole.XmppWatcher && r.State == DelegatedState))
            {
                var key = Key(record.Watcher.Domain, record.Presentity);
                if (!_byPresentity.TryGetValue(key, out var shared))
                {
                    shared = new Shared(record.Presentity.Bare, record.Watcher.Domain);
                    _byPresentity[key] = shared;
                }
                shared.Watchers.Add(record.Watcher.Bare);
                shared.Announced.Add(record.Watcher.Bare); // their XMPP servers already hold the subscription
            }
        }
    }

    /// <summary>
    /// An event of a shared subscription (addressed to the relay): fanned out to every watcher with its own view.
    /// One NOTIFY across the peering link becomes one event per privacy class here, inside the watchers' domain.
    /// </summary>
    public async Task OnSharedEventAsync(PresenceEvent presence)
    {
        List<ChatAddress> watchers;
        List<ChatAddress> fresh = [];
        lock (_lock)
        {
            if (!_byPresentity.TryGetValue(Key(presence.To.Domain, presence.From), out var shared))
            {
                return;
            }
            if (presence.Kind == PresenceEventKind.Notify)
            {
                shared.Last = presence.Document;
            }
            watchers = [.. shared.Watchers];
            if (presence.Kind is PresenceEventKind.Subscribed or PresenceEventKind.Notify)
            {
                fresh = watchers.Where(shared.Announced.Add).ToList();
            }
            if (presence.Kind == PresenceEventKind.Unsubscribed)
            {
                _byPresentity.Remove(Key(presence.To.Domain, presence.From));
            }
        }
        var rules = _rules.RulesFor(presence.From);
        foreach (var watcher in fresh)
        {
            await RouteAsync(new PresenceEvent(PresenceEventKind.Subscribed, presence.From, watcher)).ConfigureAwait(false);
        }
        if (presence.Kind == PresenceEventKind.Notify)
        {
            // Privacy classes: watchers whose grants are equal see the same view, so each class is one event
            // with all its watchers as recipients; the XMPP side may then send one copy for the whole class
            // (XEP-0033) instead of one per watcher. Grouped in first-seen order so the output is stable.
            var document = presence.Document ?? new PresenceDocument(presence.From, []);
            foreach (var privacyClass in watchers.GroupBy(rules.For))
            {
                var view = privacyClass.Key.Apply(document) ?? new PresenceDocument(presence.From, []);
                var members = privacyClass.ToImmutableArray();
                await RouteAsync(new PresenceEvent(PresenceEventKind.Notify, presence.From, members[0], view,
                    Recipients: members.Length > 1 ? members : [])).ConfigureAwait(false);
            }
        }
        else if (presence.Kind == PresenceEventKind.Unsubscribed)
        {
            foreach (var watcher in watchers)
            {
                _store.Delete(new SubscriptionKey(SubscriptionRole.XmppWatcher, watcher.ToString(), presence.From.Bare.ToString()));
                await RouteAsync(presence with { To = watcher }).ConfigureAwait(false);
            }
        }
    }

    private Task RouteAsync(PresenceEvent presence) => PresenceWork.RouteAsync(_router, presence, _logger, _stopping);

    private static string Key(string watcherDomain, ChatAddress presentity) => watcherDomain.ToLowerInvariant() + " " + presentity.Bare;

    /// <summary>One shared subscription: its watchers, those already told subscribed, and the last full document.</summary>
    private sealed class Shared(ChatAddress presentity, string watcherDomain)
    {
        public ChatAddress Presentity { get; } = presentity;

        public string WatcherDomain { get; } = watcherDomain;

        public HashSet<ChatAddress> Watchers { get; } = [];

        public HashSet<ChatAddress> Announced { get; } = [];

        public PresenceDocument? Last { get; set; }
    }
}

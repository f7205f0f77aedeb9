using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Bridge.Sip;
using Bridge.Sip.Simple;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// The bridge as a resource list server (RFC 4662) for SIP watchers: lists of XMPP users defined by the admin
/// (Bridge:Presence:Lists) or privately per watcher (RFC 4826 documents in Bridge:Presence:PrivateListsFolder).
/// One SIP dialog per list subscription carries multipart/related RLMI NOTIFYs: full state first, then one
/// partial notification per member change. Behind it, one XMPP subscription per member in the watcher's name,
/// so each member authorizes the watcher as for a direct subscription.
/// Not kept across restarts (unlike single subscriptions): after a restart the watcher's refresh gets 481 and
/// its client subscribes again.
/// </summary>
public sealed class SipListNotifiers : IDisposable
{
    private readonly SipStack _stack;
    private readonly IBridgeConfigSource _config;
    private readonly SipPeerSender _sender;
    private readonly Lazy<PresenceRouter> _router;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly ConcurrentDictionary<SipDialogKey, ListWatch> _byDialog = new();

    public SipListNotifiers(SipStack stack, IBridgeConfigSource config, SipPeerSender sender, Lazy<PresenceRouter> router,
        TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _stack = stack;
        _config = config;
        _sender = sender;
        _router = router;
        _time = time;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>
    /// Takes an initial SUBSCRIBE addressed to a list this watcher may use, or an in-dialog one of a list
    /// subscription; false when the request is not for a list (the single-presentity notifiers take it).
    /// </summary>
    public async Task<bool> TryHandleSubscribeAsync(SipServerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var request = transaction.Request;
        if (request.To?.Tag is not null)
        {
            if (SipDialogKey.ForIncomingRequest(request) is not { } key || !_byDialog.TryGetValue(key, out var existing))
            {
                return false;
            }
            await HandleInDialogAsync(transaction, existing).ConfigureAwait(false);
            return true;
        }
        if (request.From is not { } from || !SipAddressMapping.TryFromSip(from.Uri, out var watcher) || watcher.Local is null
            || !SipAddressMapping.TryFromSip(request.RequestUri, out var target) || target.Local is null)
        {
            return false; // the single-presentity path answers malformed requests
        }
        watcher = watcher.Bare;
        target = target.Bare;
        if (Resolve(watcher, target) is not { } list)
        {
            return false;
        }
        var (listMember, members) = list;
        if (!SipTrust.IsTrustedFor(_config.Current, watcher.Domain, transaction))
        {
            await RespondAsync(transaction, 403, $"source {transaction.Remote.EndPoint.Address} is not trusted for {watcher.Domain}").ConfigureAwait(false);
            return true;
        }
        var policy = _router.Value.Check(new PresenceEvent(PresenceEventKind.Subscribe, watcher, target), DomainProtocol.Sip);
        if (!policy.IsAllowed)
        {
            await RespondAsync(transaction, 403, policy.Reason ?? "not allowed").ConfigureAwait(false);
            return true;
        }
        if (!SupportsEventList(request))
        {
            // §4.1 / §5.1: a list may only be sent to a subscriber that said it understands lists.
            var refuse = _stack.CreateResponse(request, 421, "Extension Required");
            refuse.Headers.Add("Require", "eventlist");
            await transaction.SendResponseAsync(refuse).ConfigureAwait(false);
            return true;
        }
        var contact = _sender.ContactFor(target.Local, watcher.Domain);
        if (contact is null)
        {
            await RespondAsync(transaction, 403, $"no SIP route back to {watcher.Domain}").ConfigureAwait(false);
            return true;
        }
        var notifier = new SipNotifier(new SipNotifierOptions([SipEventPackage.Presence], contact), _time);
        var decision = notifier.OnSubscribe(request);
        if (decision.StatusCode is >= 200 and < 300 && notifier.State == SipSubscriptionState.Pending)
        {
            notifier.Activate(); // the list itself is open to whoever may use it; each member still authorizes (below)
        }
        var response = _stack.CreateResponse(request, decision.StatusCode);
        decision.ApplyTo(response);
        if (decision.StatusCode is >= 200 and < 300)
        {
            response.Headers.Add("Require", "eventlist");
        }
        await transaction.SendResponseAsync(response).ConfigureAwait(false);
        if (decision.StatusCode is < 200 or >= 300 || notifier.Dialog is null)
        {
            notifier.Dispose();
            return true;
        }
        var watch = new ListWatch(notifier, watcher, listMember, members);
        foreach (var member in members)
        {
            watch.States[member.Address.ToString()] = ("pending", null, null);
        }
        if (notifier.State == SipSubscriptionState.Terminated)
        {
            // A fetch (Expires: 0): the one NOTIFY says terminated; the bridge holds no member state without subscriptions.
            await SendAsync(watch, fullState: true, changed: null).ConfigureAwait(false);
            notifier.Dispose();
            return true;
        }
        _byDialog[notifier.Dialog.Key] = watch;
        notifier.Expired += (_, _) => _ = RunAsync(() => EndAsync(watch));
        _logger.LogInformation("Presence list subscription sip->xmpp {Watcher} -> {List}: {Count} members", watcher, listMember.Address, members.Length);
        // The back-end subscriptions go first, so that a quick unsubscribe cannot overtake them; answers arriving
        // meanwhile only update the state the full-state notification then carries.
        foreach (var member in members)
        {
            await RouteAsync(new PresenceEvent(PresenceEventKind.Subscribe, watcher, member.Address)).ConfigureAwait(false);
        }
        await SendAsync(watch, fullState: true, changed: null).ConfigureAwait(false);
        return true;
    }

    /// <summary>A member's answer or presence for a watcher: a partial notification in each of that watcher's lists holding the member.</summary>
    public async Task DeliverAsync(PresenceEvent presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        foreach (var watch in _byDialog.Values.Where(w => w.Watcher == presence.Watcher.Bare && w.Contains(presence.Presentity)))
        {
            var key = presence.Presentity.Bare.ToString();
            bool visible;
            await watch.Gate.WaitAsync(_stopping).ConfigureAwait(false);
            try
            {
                var (state, reason, document) = watch.States[key];
                // Presence of a member still pending is kept for later, never shown: it has not authorized the watcher.
                visible = !(presence.Kind == PresenceEventKind.Notify && state != "active");
                watch.States[key] = presence.Kind switch
                {
                    PresenceEventKind.Subscribed => ("active", null, document),
                    PresenceEventKind.Unsubscribed => ("terminated", SipSubscriptionReasons.Rejected, null),
                    PresenceEventKind.Notify when state != "terminated" => (state, reason, presence.Document),
                    _ => (state, reason, document),
                };
            }
            finally
            {
                watch.Gate.Release();
            }
            if (visible && watch.InitialSent)
            {
                await SendAsync(watch, fullState: false, changed: presence.Presentity.Bare).ConfigureAwait(false);
            }
        }
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

    private (ListMember List, ImmutableArray<ListMember> Members)? Resolve(ChatAddress watcher, ChatAddress target)
    {
        var presence = _config.Current.Presence;
        if (presence.Lists.FirstOrDefault(l => l.Address == target.Bare) is { } configured)
        {
            var names = configured.Name is null ? ImmutableDictionary<string, string>.Empty : ImmutableDictionary<string, string>.Empty.Add("", configured.Name);
            return (new ListMember(configured.Address, names), [.. configured.Members.Select(m => new ListMember(m, ImmutableDictionary<string, string>.Empty))]);
        }
        return PrivateList(presence.PrivateListsFolder, watcher, target);
    }

    /// <summary>The watcher's own RFC 4826 document names the list; only XMPP entries are kept (the bridge serves those).</summary>
    private (ListMember, ImmutableArray<ListMember>)? PrivateList(string? folder, ChatAddress watcher, ChatAddress target)
    {
        if (folder is null || target.Local is null || _config.Current.FindDomain(target.Domain)?.Protocol != DomainProtocol.Xmpp)
        {
            return null;
        }
        var file = Path.Combine(folder, watcher.Bare + ".xml");
        if (Path.GetFileName(file) != watcher.Bare + ".xml" || !File.Exists(file))
        {
            return null; // a watcher name with path separators never reaches outside the folder
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (IOException e)
        {
            _logger.LogWarning("Cannot read private lists of {Watcher}: {Error}", watcher, e.Message);
            return null;
        }
        if (!ResourceListsParser.TryParse(bytes, out var lists, out var error))
        {
            _logger.LogWarning("Private lists of {Watcher} are unusable: {Error}", watcher, error);
            return null;
        }
        if (!lists.TryGetValue(target.Local, out var entries))
        {
            return null;
        }
        var members = ImmutableArray.CreateBuilder<ListMember>();
        foreach (var entry in entries)
        {
            var uri = entry.Uri.StartsWith("xmpp:", StringComparison.OrdinalIgnoreCase) ? entry.Uri[5..] : entry.Uri;
            if ((XmppAddressMapping.TryFromXmpp(uri, out var member) || SipAddressMapping.TryFromSip(entry.Uri, out member))
                && member.Local is not null && _config.Current.FindDomain(member.Domain)?.Protocol == DomainProtocol.Xmpp)
            {
                members.Add(new ListMember(member.Bare, entry.Names));
            }
        }
        return members.Count == 0 ? null : (new ListMember(target.Bare, ImmutableDictionary<string, string>.Empty), members.ToImmutable());
    }

    private async Task HandleInDialogAsync(SipServerTransaction transaction, ListWatch watch)
    {
        var decision = watch.Notifier.OnSubscribe(transaction.Request);
        var response = _stack.CreateResponse(transaction.Request, decision.StatusCode);
        decision.ApplyTo(response);
        if (decision.StatusCode is >= 200 and < 300)
        {
            response.Headers.Add("Require", "eventlist");
        }
        await transaction.SendResponseAsync(response).ConfigureAwait(false);
        if (!decision.SendNotify)
        {
            return;
        }
        if (watch.Notifier.State == SipSubscriptionState.Terminated)
        {
            await EndAsync(watch).ConfigureAwait(false);
            return;
        }
        await SendAsync(watch, fullState: true, changed: null).ConfigureAwait(false); // §4.2.1.2 after a refresh: the whole state
    }

    private async Task EndAsync(ListWatch watch)
    {
        if (watch.Notifier.Dialog is { } dialog && _byDialog.TryRemove(dialog.Key, out _))
        {
            _logger.LogInformation("Presence list subscription sip->xmpp {Watcher} -> {List}: terminated", watch.Watcher, watch.List.Address);
            foreach (var member in watch.Members)
            {
                await RouteAsync(new PresenceEvent(PresenceEventKind.Unsubscribe, watch.Watcher, member.Address)).ConfigureAwait(false);
            }
            await SendAsync(watch, fullState: false, changed: null).ConfigureAwait(false); // terminated: no body
            watch.Notifier.Dispose();
        }
    }

    /// <summary>One NOTIFY: RLMI with every member (full state) or with <paramref name="changed"/> alone, plus a PIDF part per active member shown.</summary>
    private async Task SendAsync(ListWatch watch, bool fullState, ChatAddress? changed)
    {
        await watch.Gate.WaitAsync(_stopping).ConfigureAwait(false);
        try
        {
            SipOutboundRequest notify;
            try
            {
                if (watch.Notifier.State != SipSubscriptionState.Active)
                {
                    notify = watch.Notifier.CreateNotify();
                }
                else
                {
                    watch.InitialSent |= fullState;
                    var (body, contentType) = Body(watch, fullState, changed);
                    notify = watch.Notifier.CreateNotify(body, contentType);
                }
            }
            catch (InvalidOperationException)
            {
                return; // the final NOTIFY already went out
            }
            notify.Request.Headers.Add("Require", "eventlist");
            var response = await _sender.SendAsync(notify.Request, watch.Watcher.Domain, _stopping).ConfigureAwait(false) ?? new SipResponse(408, "No Route");
            watch.Notifier.OnNotifyResponse(response);
        }
        finally
        {
            watch.Gate.Release();
        }
    }

    private static (byte[] Body, string ContentType) Body(ListWatch watch, bool fullState, ChatAddress? changed)
    {
        var version = watch.NextVersion++;
        var boundary = MultipartWriter.NewBoundary();
        var rootId = $"list{version.ToString(CultureInfo.InvariantCulture)}.{boundary}@bridge";
        var resources = ImmutableArray.CreateBuilder<RlmiResource>();
        var parts = new List<(string, string, byte[])>();
        foreach (var member in watch.Members.Where(m => fullState || m.Address == changed))
        {
            var (state, reason, document) = watch.States[member.Address.ToString()];
            string? cid = null;
            if (state == "active")
            {
                cid = $"{member.Address.Local}.{version.ToString(CultureInfo.InvariantCulture)}.{boundary}@bridge";
                parts.Add((cid, SipEventPackage.PidfContentType, PidfBodies.Write(document ?? new PresenceDocument(member.Address, []))));
            }
            // One instance per member: the bridge's one XMPP subscription for it; its id stays the same for the dialog.
            var instance = new RlmiInstance("i" + (uint)member.Address.ToString().GetHashCode(StringComparison.Ordinal), state, reason, cid);
            resources.Add(new RlmiResource(SipAddressMapping.ToSip(member.Address), member.Names, [instance]));
        }
        var rlmi = new RlmiDocument(SipAddressMapping.ToSip(watch.List.Address), version, fullState, watch.List.Names, resources.ToImmutable());
        parts.Insert(0, (rootId, RlmiParser.ContentType + ";charset=\"UTF-8\"", RlmiWriter.Write(rlmi)));
        return (MultipartWriter.Write(boundary, parts), MultipartWriter.ContentType(RlmiParser.ContentType, rootId, boundary));
    }

    private static bool SupportsEventList(SipRequest request) =>
        request.Headers.GetAll("Supported").Concat(request.Headers.GetAll("k"))
            .SelectMany(v => v.Split(','))
            .Any(t => t.Trim().Equals("eventlist", StringComparison.OrdinalIgnoreCase));

    private async Task RespondAsync(SipServerTransaction transaction, int status, string warning)
    {
        var response = _stack.CreateResponse(transaction.Request, status);
        SipWarnings.Add(response, warning);
        await transaction.SendResponseAsync(response).ConfigureAwait(false);
    }

    private Task RouteAsync(PresenceEvent presence) => PresenceWork.RouteAsync(_router, presence, _logger, _stopping);

    private Task RunAsync(Func<Task> work) => PresenceWork.RunDetachedAsync(work, "ending an expired list subscription", _logger, _stopping);
}

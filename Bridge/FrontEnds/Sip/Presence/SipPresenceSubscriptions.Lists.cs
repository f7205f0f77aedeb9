using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Sip;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// Resource lists (RFC 4662) behind an XMPP subscription: alice subscribed to friends@b.test and the SIP side
/// answered with a list. The XMPP watcher is told the members once (ListMembers → XEP-0144 roster item
/// exchange), then each member's presence reaches her as presence from the member's own address.
/// </summary>
public sealed partial class SipPresenceSubscriptions
{
    private async Task<int> HandleListNotifyAsync(PresenceSubscription subscription, SipRequest notify)
    {
        if (!RlmiBodies.TryRead(notify, out var list, out var error))
        {
            _logger.LogWarning("List NOTIFY for {Watcher} about {List} has an unusable body: {Error}", subscription.Watcher, subscription.Presentity, error);
            return 400;
        }
        var status = subscription.Subscriber.OnNotify(notify);
        if (status != 200 || !SipSubscriptionStateHeader.TryParse(notify.Headers["Subscription-State"], out var substate)
            || substate.Value != SipSubscriptionStateHeader.Active || subscription.Unwanted)
        {
            return status;
        }
        bool first;
        List<ListMember> added = [];
        lock (_lock)
        {
            subscription.Established = true;
            subscription.Attempts = 0;
            subscription.Last = new PresenceDocument(subscription.Presentity, []); // a list has no presence of its own
            first = !subscription.SubscribedSent;
            subscription.SubscribedSent = true;
            var members = subscription.Members ??= new Dictionary<string, ListMemberState>(StringComparer.Ordinal);
            if (list!.FullState)
            {
                // §5.2: a full-state notification lists every member; whoever is missing has left the list.
                var present = list.Members.Select(m => m.Member.Address.ToString()).ToHashSet(StringComparer.Ordinal);
                foreach (var gone in members.Keys.Where(k => !present.Contains(k)).ToList())
                {
                    members.Remove(gone);
                }
            }
            foreach (var member in list.Members)
            {
                var key = member.Member.Address.ToString();
                if (!members.TryGetValue(key, out var before))
                {
                    added.Add(member.Member);
                }
                // A partial notification without a body for a member keeps what was known of it.
                members[key] = member with { Document = member.Document ?? (member.State == "active" ? before?.Document : null) };
            }
        }
        if (first)
        {
            Save(subscription, "active");
            _logger.LogInformation("Presence list subscription xmpp->sip {Watcher} -> {List}: active, {Count} members", subscription.Watcher, subscription.Presentity, list!.Members.Length);
            await RouteAsync(new PresenceEvent(PresenceEventKind.Subscribed, subscription.Presentity, subscription.Watcher)).ConfigureAwait(false);
        }
        if (added.Count > 0)
        {
            await RouteAsync(new PresenceEvent(PresenceEventKind.ListMembers, subscription.Presentity, subscription.Watcher, Members: [.. added])).ConfigureAwait(false);
        }
        foreach (var member in list!.Members)
        {
            // Pending members say nothing yet; a terminated one (rejected, gone) is offline to the watcher.
            var document = member.Document
                ?? (member.State == "terminated" ? new PresenceDocument(member.Member.Address, []) : null);
            if (document is not null)
            {
                await RouteAsync(new PresenceEvent(PresenceEventKind.Notify, member.Member.Address, subscription.Watcher, document)).ConfigureAwait(false);
            }
        }
        return status;
    }

    /// <summary>What a live list subscription of this watcher knows of <paramref name="member"/>, for answering a probe.</summary>
    private PresenceDocument? ListMemberDocument(ChatAddress watcher, ChatAddress member)
    {
        var key = member.Bare.ToString();
        lock (_lock)
        {
            foreach (var subscription in _byKey.Values)
            {
                if (subscription.Members is { } members && subscription.Watcher == watcher
                    && subscription.Subscriber.State == SipSubscriptionState.Active
                    && members.TryGetValue(key, out var state) && state.Document is { } document)
                {
                    return document;
                }
            }
        }
        return null;
    }
}

using System.Xml.Linq;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Bridge.Xmpp;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Xmpp.Presence;

/// <summary>
/// Presence stanzas from XMPP users to users of the SIP domains → canonical events for the
/// <see cref="PresenceRouter"/> (RFC 8048 §4-§6 read from the XMPP side). Subscription management
/// becomes one event each; per-resource availability is folded, per watcher, into the full document a
/// SIP NOTIFY carries. Failures go back to the sender as presence errors (RFC 6120 §8.3), except for
/// errors and unavailable presence, which are never answered with an error (§8.3.1 forbids the first;
/// the second is a sign-off nobody waits on).
/// </summary>
public sealed class XmppInboundPresence
{
    private readonly Lazy<PresenceRouter> _router;
    private readonly IXmppPresenceCache _cache;
    private readonly XmppOutboundPresence _outbound;
    private readonly Func<XElement, CancellationToken, Task<XmppSendResult>> _send;
    private readonly ILogger _logger;

    public XmppInboundPresence(
        Lazy<PresenceRouter> router,
        IXmppPresenceCache cache,
        XmppOutboundPresence outbound,
        Func<XElement, CancellationToken, Task<XmppSendResult>> send,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(outbound);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(logger);
        _router = router;
        _cache = cache;
        _outbound = outbound;
        _send = send;
        _logger = logger;
    }

    /// <summary>Handles one presence stanza from an authenticated S2S stream. Never throws for its content.</summary>
    public async Task HandleAsync(XElement stanza, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        var type = (string?)stanza.Attribute("type");
        if (type == "error")
        {
            await HandleErrorAsync(stanza, ct).ConfigureAwait(false);
            return;
        }
        // RFC 6121 §4.7.1 lists every presence type; anything else is malformed.
        PresenceEventKind? kind = type switch
        {
            null or "unavailable" => PresenceEventKind.Notify,
            "subscribe" => PresenceEventKind.Subscribe,
            "unsubscribe" => PresenceEventKind.Unsubscribe,
            "subscribed" => PresenceEventKind.Subscribed,
            "unsubscribed" => PresenceEventKind.Unsubscribed,
            "probe" => PresenceEventKind.Probe,
            _ => null,
        };
        if (kind is null)
        {
            await ReplyErrorAsync(stanza, "bad-request", $"'{type}' is not a presence type (RFC 6121 §4.7.1)", ct).ConfigureAwait(false);
            return;
        }
        var toText = (string?)stanza.Attribute("to");
        if (toText is null)
        {
            // Broadcast presence is addressed by the sending server per contact (RFC 6121 §4.2.2), so
            // over S2S a presence without 'to' has no recipient here.
            _logger.LogDebug("Ignoring presence without 'to' from {From}", (string?)stanza.Attribute("from"));
            return;
        }
        if (!XmppAddressMapping.TryFromXmpp((string?)stanza.Attribute("from") ?? "", out var from) || from.Local is null)
        {
            await ReplyErrorAsync(stanza, "jid-malformed", "the 'from' address is not a user JID", ct).ConfigureAwait(false);
            return;
        }
        if (!XmppAddressMapping.TryFromXmpp(toText, out var to))
        {
            await ReplyErrorAsync(stanza, "jid-malformed", "the 'to' address is not a JID", ct).ConfigureAwait(false);
            return;
        }
        if (to.Local is null)
        {
            // Presence to the SIP domain itself (e.g. a server's own presence): there is no SIP user to tell.
            _logger.LogDebug("Ignoring presence {Type} from {From} to the domain {To}", type ?? "available", from.ToString(), to.ToString());
            return;
        }

        PresenceEvent presence;
        if (kind == PresenceEventKind.Notify)
        {
            var translation = XmppPresenceTranslator.FromXmpp(stanza);
            if (translation.Source is not { } source)
            {
                await ReplyErrorAsync(stanza, translation.ErrorCondition ?? "bad-request", translation.ErrorText, ct).ConfigureAwait(false);
                return;
            }
            // RFC 6121 §4.4: presence is per resource; RFC 8048 §6: a NOTIFY carries the whole
            // presentity, so the other resources this watcher was told about come along. No await
            // precedes this line on this path, and the front-end starts each stanza's handling in
            // stream order, so the cache sees a resource's changes in the order they were sent.
            var sources = _cache.ApplyInbound(from.Bare, to.Bare, source);
            presence = new PresenceEvent(PresenceEventKind.Notify, from.Bare, to.Bare, new PresenceDocument(from.Bare, sources));
        }
        else
        {
            presence = kind == PresenceEventKind.Probe
                // RFC 6121 §4.3: Prosody probes from the user's full JID; the SIP side may answer that resource.
                ? new PresenceEvent(PresenceEventKind.Probe, from, to.Bare)
                // RFC 6121 §3: subscription stanzas are addressed bare; a resource carries no meaning there.
                : new PresenceEvent(kind.Value, from.Bare, to.Bare);
        }
        BeforeRouting(presence);
        var result = await _router.Value.RouteAsync(presence, DomainProtocol.Xmpp, ct).ConfigureAwait(false);
        if (result.Error is { } failure && MayReplyError(presence.Kind, type))
        {
            await ReplyErrorAsync(stanza, XmppConditions.ToXmpp(failure.Failure), failure.Text, ct).ConfigureAwait(false);
        }
        if (presence.Kind == PresenceEventKind.Unsubscribe)
        {
            // RFC 6121 §3.3.3: the contact's server (here: ours, for the SIP contact) sends unavailable
            // presence from the contact's available resources to the user who unsubscribed.
            var announced = _cache.Forget(presence.To, presence.From);
            await _outbound.RetractAsync(presence.To, presence.From, announced, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An error reply is owed for what asks something of the SIP side (subscribe, probe, available
    /// presence). Never to an error (RFC 6120 §8.3.1) nor to unavailable presence, and not to
    /// subscription answers, whose senders do not wait on them (RFC 6121 §3.1.5, §3.2).
    /// </summary>
    private static bool MayReplyError(PresenceEventKind kind, string? type) =>
        kind is PresenceEventKind.Subscribe or PresenceEventKind.Probe
        || (kind == PresenceEventKind.Notify && type is null);

    private void BeforeRouting(PresenceEvent presence)
    {
        switch (presence.Kind)
        {
            case PresenceEventKind.Subscribed:
                // An answer to the SIP watcher's subscribe: no error reply will follow.
                _cache.TryTakeSubscribeSent(presence.To, presence.From);
                break;
            case PresenceEventKind.Unsubscribed:
                // The XMPP presentity refused or revoked: whatever its resources showed is void (RFC 6121 §3.2.3).
                _cache.Forget(presence.From, presence.To);
                break;
        }
    }

    /// <summary>
    /// RFC 6121 §3.1.3 lets the contact's server refuse a subscribe with an error; one that answers a
    /// subscribe we sent is a refusal and travels as Unsubscribed. Any other is only logged: there is
    /// nobody on the SIP side waiting for it.
    /// </summary>
    private async Task HandleErrorAsync(XElement stanza, CancellationToken ct)
    {
        var fromText = (string?)stanza.Attribute("from");
        var toText = (string?)stanza.Attribute("to");
        var condition = StanzaErrors.Read(stanza)?.Condition ?? "undefined-condition";
        _logger.LogInformation("Presence error {Condition} from {From} to {To}", condition, fromText, toText);
        if (!XmppAddressMapping.TryFromXmpp(fromText ?? "", out var from) || from.Local is null
            || !XmppAddressMapping.TryFromXmpp(toText ?? "", out var to) || to.Local is null
            || !_cache.TryTakeSubscribeSent(to, from))
        {
            return;
        }
        var refusal = new PresenceEvent(PresenceEventKind.Unsubscribed, from.Bare, to.Bare, Reason: condition);
        await _router.Value.RouteAsync(refusal, DomainProtocol.Xmpp, ct).ConfigureAwait(false);
    }

    private async Task ReplyErrorAsync(XElement stanza, string condition, string? text, CancellationToken ct)
    {
        var type = (string?)stanza.Attribute("type");
        if (type is "error" or "unavailable")
        {
            _logger.LogDebug("Not answering presence {Type} from {From} with {Condition}", type, (string?)stanza.Attribute("from"), condition);
            return;
        }
        var result = await _send(StanzaErrors.CreateErrorReply(stanza, condition, text), ct).ConfigureAwait(false);
        if (result.Status != XmppSendStatus.Sent)
        {
            _logger.LogDebug("Could not return {Condition} to {To}: {Reason}", condition, (string?)stanza.Attribute("from"), result.Condition);
        }
    }
}

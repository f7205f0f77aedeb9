using System.Xml.Linq;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Presence;
using Bridge.Xmpp;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Xmpp.Presence;

/// <summary>
/// Canonical presence events for XMPP users → presence stanzas (RFC 8048 §4-§6 read from the SIP
/// side). The SIP presentity's resources are the PIDF tuples; the XMPP watcher's server keeps per
/// resource state (RFC 6121 §4.4), so a full document becomes one stanza per source plus
/// unavailable presence for what was announced before and is gone now.
/// </summary>
public sealed class XmppOutboundPresence
{
    private readonly IXmppPresenceCache _cache;
    private readonly Func<XElement, CancellationToken, Task<XmppSendResult>> _send;
    private readonly ILogger _logger;
    private readonly XmppMulticastDiscovery? _multicast;

    /// <param name="multicast">Where to learn whether a watcher domain takes XEP-0033 copies; null: always one stanza per watcher.</param>
    public XmppOutboundPresence(IXmppPresenceCache cache, Func<XElement, CancellationToken, Task<XmppSendResult>> send, ILogger logger,
        XmppMulticastDiscovery? multicast = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(logger);
        _cache = cache;
        _send = send;
        _logger = logger;
        _multicast = multicast;
    }

    /// <summary>Writes the stanzas for one event; Ok once all were written, else the first failure.</summary>
    public async Task<DeliveryResult> DeliverAsync(PresenceEvent presence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(presence);
        if (presence.Kind == PresenceEventKind.Notify)
        {
            return presence.Recipients.Length > 1
                ? await NotifyClassAsync(presence, ct).ConfigureAwait(false)
                : await NotifyAsync(presence, ct).ConfigureAwait(false);
        }
        if (presence.Kind == PresenceEventKind.ListMembers)
        {
            return RosterItemExchange.Create(presence, Guid.NewGuid().ToString("N")) is { } offer
                ? await SendAsync(offer, ct).ConfigureAwait(false)
                : DeliveryResult.Fail(DeliveryFailure.AddressMalformed, "no list member can be expressed as a JID");
        }

        var type = presence.Kind switch
        {
            PresenceEventKind.Subscribe => "subscribe",
            PresenceEventKind.Unsubscribe => "unsubscribe",
            PresenceEventKind.Subscribed => "subscribed",
            PresenceEventKind.Unsubscribed => "unsubscribed",
            PresenceEventKind.Probe => "probe",
            _ => null,
        };
        // RFC 6121 §3 (subscription requests and answers) and §4.3 (probes sent by a server): all
        // addressed bare; the SIP side has no resource to speak for here.
        if (type is null || !XmppAddressMapping.TryToXmpp(presence.From.Bare, out var from) || !XmppAddressMapping.TryToXmpp(presence.To.Bare, out var to))
        {
            return DeliveryResult.Fail(DeliveryFailure.AddressMalformed, "address cannot be expressed as a JID");
        }
        if (presence.Kind == PresenceEventKind.Subscribe)
        {
            // So that an error reply to it can be read as a refusal (RFC 6121 §3.1.3 lets the contact's
            // server answer a subscribe with an error instead of unsubscribed).
            _cache.RecordSubscribeSent(presence.From, presence.To);
        }
        var stanza = new XElement(XmppNamespaces.Server + "presence",
            new XAttribute("from", from), new XAttribute("to", to), new XAttribute("type", type));
        var result = await SendAsync(stanza, ct).ConfigureAwait(false);

        if (presence.Kind == PresenceEventKind.Unsubscribed)
        {
            // RFC 6121 §3.2.2: when the contact cancels, its server also sends unavailable presence
            // from each of the contact's available resources to the user.
            var announced = _cache.Forget(presence.From, presence.To);
            await RetractAsync(presence.From, presence.To, announced, ct).ConfigureAwait(false);
        }
        else if (presence.Kind == PresenceEventKind.Unsubscribe)
        {
            // The SIP watcher stopped watching an XMPP presentity: what we held for it is moot.
            _cache.Forget(presence.To, presence.From);
        }
        return result;
    }

    /// <summary>
    /// Sends unavailable presence from each of <paramref name="resources"/> of <paramref name="presentity"/>
    /// to <paramref name="watcher"/> (RFC 6121 §3.2.2, §3.3.3: retracting presence when a subscription ends).
    /// </summary>
    public async Task<DeliveryResult> RetractAsync(ChatAddress presentity, ChatAddress watcher, IReadOnlySet<string> resources, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(presentity);
        ArgumentNullException.ThrowIfNull(watcher);
        ArgumentNullException.ThrowIfNull(resources);
        var result = DeliveryResult.Ok;
        foreach (var id in resources.Order(StringComparer.Ordinal))
        {
            if (!XmppPresenceTranslator.TryToXmpp(PresenceSource.Offline(id), SourceAddress(presentity, id), watcher, out var stanza))
            {
                continue;
            }
            var sent = await SendAsync(stanza, ct).ConfigureAwait(false);
            result = result.Delivered ? sent : result;
        }
        return result;
    }

    private async Task<DeliveryResult> NotifyAsync(PresenceEvent presence, CancellationToken ct)
    {
        if (BuildNotify(presence.From.Bare, presence.To, presence.Document) is not { } stanzas)
        {
            return DeliveryResult.Fail(presence.Document is null ? DeliveryFailure.BadRequest : DeliveryFailure.AddressMalformed,
                presence.Document is null ? "a presence notification without a document" : "address cannot be expressed as a JID");
        }
        var result = await SendAllAsync(stanzas, ct).ConfigureAwait(false);
        _logger.LogDebug("Presence of {Presentity} to {Watcher}: {Count} stanza(s), {Outcome}",
            presence.From.Bare.ToString(), presence.To.ToString(), stanzas.Count, result.Delivered ? "written" : result.Error?.Failure.ToString());
        return result;
    }

    /// <summary>
    /// One document for a privacy class. Towards a domain that advertises XEP-0033 the watchers whose stanzas
    /// come out the same (what they were shown before matters: a resource only some of them saw is retracted
    /// for those alone) get one copy addressed to their server with the list as 'bcc' addresses (XEP-0033
    /// §4: bcc so that no watcher learns who else watches); otherwise one stanza per watcher, as RFC 6121 has it.
    /// </summary>
    private async Task<DeliveryResult> NotifyClassAsync(PresenceEvent presence, CancellationToken ct)
    {
        var presentity = presence.From.Bare;
        if (presence.Document is null)
        {
            return DeliveryResult.Fail(DeliveryFailure.BadRequest, "a presence notification without a document");
        }
        var result = DeliveryResult.Ok;
        var copies = new Dictionary<string, (List<XElement> Stanzas, List<ChatAddress> Watchers)>(StringComparer.Ordinal);
        foreach (var watcher in presence.Recipients.Distinct())
        {
            var stanzas = BuildNotify(presentity, watcher, presence.Document);
            if (stanzas is null)
            {
                result = result.Delivered ? DeliveryResult.Fail(DeliveryFailure.AddressMalformed, "address cannot be expressed as a JID") : result;
                continue;
            }
            if (_multicast?.Supports(presentity.Domain, watcher.Domain) != true)
            {
                var sent = await SendAllAsync(stanzas, ct).ConfigureAwait(false);
                result = result.Delivered ? sent : result;
                continue;
            }
            // Same domain and same stanzas but for 'to': one copy serves them all.
            var key = watcher.Domain.ToLowerInvariant() + "\n" + string.Join("\n", stanzas.Select(WithoutTo));
            if (!copies.TryGetValue(key, out var copy))
            {
                copy = (stanzas, []);
                copies[key] = copy;
            }
            copy.Watchers.Add(watcher);
        }
        foreach (var (stanzas, watchers) in copies.Values)
        {
            var sent = await SendAllAsync(watchers.Count == 1 ? stanzas : [.. stanzas.Select(s => Multicast(s, watchers))], ct).ConfigureAwait(false);
            result = result.Delivered ? sent : result;
        }
        _logger.LogDebug("Presence of {Presentity} to {Count} watcher(s) at {Domain}: {Copies} XEP-0033 cop(y/ies), {Outcome}",
            presentity.ToString(), presence.Recipients.Length, presence.To.Domain, copies.Count, result.Delivered ? "written" : result.Error?.Failure.ToString());
        return result;
    }

    /// <summary>The stanza addressed to the watchers' server, listing them (XEP-0033 §3: the 'to' is the multicast service).</summary>
    private static XElement Multicast(XElement stanza, List<ChatAddress> watchers)
    {
        var copy = new XElement(stanza);
        copy.SetAttributeValue("to", watchers[0].Domain);
        copy.Add(new XElement(XmppMulticastAddresses.Namespace + "addresses",
            watchers.Select(w => new XElement(XmppMulticastAddresses.Namespace + "address",
                new XAttribute("type", "bcc"), new XAttribute("jid", w.ToString())))));
        return copy;
    }

    private static string WithoutTo(XElement stanza)
    {
        var copy = new XElement(stanza);
        copy.Attribute("to")?.Remove();
        return copy.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>
    /// The stanzas that bring <paramref name="watcher"/> up to <paramref name="document"/>, recording what it is
    /// now shown; null when there is no document or an address cannot be written as a JID.
    /// </summary>
    private List<XElement>? BuildNotify(ChatAddress presentity, ChatAddress watcher, PresenceDocument? document)
    {
        if (document is null)
        {
            return null;
        }
        // A probe answer may go to the watcher's full JID (RFC 6121 §4.3.2); it is sent there as given,
        // but what the watcher has seen is remembered per bare JID, the unit of the subscription.
        var available = document.Sources
            .Where(s => s.Availability == PresenceAvailability.Available)
            .Select(s => s.Id)
            .ToHashSet(StringComparer.Ordinal);
        // Recorded before the stanzas are written (no await before this line), so that two notifications
        // for the same pair compare against each other in the order they were handed to us. A failed
        // write leaves resources recorded that the watcher never saw; retracting those later is harmless.
        var announced = _cache.ReplaceAnnounced(presentity, watcher.Bare, available);

        var stanzas = new List<XElement>();
        if (available.Count == 0 && announced.Count == 0)
        {
            // Nothing was ever shown: one unavailable from the bare JID, so that the client shows the
            // contact offline rather than unknown (RFC 6121 §4.3.2 answers a probe the same way). The
            // status of the first source, if any, travels with it ("back on Monday").
            var first = document.Sources.FirstOrDefault();
            var offline = PresenceSource.Offline("") with { Status = first?.Status ?? PresenceSource.Offline("").Status };
            if (!XmppPresenceTranslator.TryToXmpp(offline, presentity, watcher, out var stanza))
            {
                return null;
            }
            stanzas.Add(stanza);
            return stanzas;
        }
        foreach (var source in document.Sources)
        {
            if (!XmppPresenceTranslator.TryToXmpp(source, SourceAddress(presentity, source.Id), watcher, out var stanza))
            {
                return null;
            }
            stanzas.Add(stanza);
        }
        // A resource that left the document went away without saying so: retract it explicitly,
        // XMPP has no "this is everything" notification.
        var listed = document.Sources.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in announced.Where(id => !listed.Contains(id)).Order(StringComparer.Ordinal))
        {
            if (XmppPresenceTranslator.TryToXmpp(PresenceSource.Offline(gone), SourceAddress(presentity, gone), watcher, out var stanza))
            {
                stanzas.Add(stanza);
            }
        }
        return stanzas;
    }

    private async Task<DeliveryResult> SendAllAsync(List<XElement> stanzas, CancellationToken ct)
    {
        var result = DeliveryResult.Ok;
        foreach (var stanza in stanzas)
        {
            var sent = await SendAsync(stanza, ct).ConfigureAwait(false);
            result = result.Delivered ? sent : result;
        }
        return result;
    }

    /// <summary>The full JID of one source; the bare JID for a source without an identity.</summary>
    private static ChatAddress SourceAddress(ChatAddress presentity, string id) =>
        id.Length > 0 ? presentity.Bare with { Resource = id } : presentity.Bare;

    private async Task<DeliveryResult> SendAsync(XElement stanza, CancellationToken ct)
    {
        var result = await _send(stanza, ct).ConfigureAwait(false);
        return result.Status == XmppSendStatus.Sent
            ? DeliveryResult.Ok
            : DeliveryResult.Fail(XmppConditions.FromXmpp(result.Condition), result.Text ?? result.Condition);
    }
}

using System.Xml.Linq;
using Bridge.FrontEnds.Xmpp.Presence;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Bridge.Xmpp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Xmpp;

/// <summary>
/// The XMPP port of the routing core: stanzas from authenticated S2S streams or the XEP-0114 component
/// link (whichever <see cref="IXmppStanzaLink"/> the host wires in) become canonical requests, and canonical deliveries become stanzas. Failures always travel back to the sender.
/// </summary>
public sealed class XmppFrontEnd : IFrontEnd, IHostedService
{
    private readonly IXmppStanzaLink _server;
    private readonly Lazy<MessageRouter> _router;
    private readonly SentMessageLedger _sent;
    private readonly ILogger<XmppFrontEnd> _logger;
    private readonly XmppOutboundPresence _presenceOut;
    private readonly XmppInboundPresence _presenceIn;
    private readonly CancellationTokenSource _stopping = new();
    private readonly XmppIqRequests _iq;

    public XmppFrontEnd(
        IXmppStanzaLink server,
        Lazy<MessageRouter> router,
        Lazy<PresenceRouter> presenceRouter,
        IXmppPresenceCache presenceCache,
        TimeProvider time,
        ILogger<XmppFrontEnd> logger)
    {
        _server = server;
        _router = router;
        _logger = logger;
        _sent = new SentMessageLedger(time, TimeSpan.FromMinutes(10), capacity: 200_000);
        _iq = new XmppIqRequests(server.SendAsync, time);
        Multicast = new XmppMulticastDiscovery(_iq, time, logger, _stopping.Token);
        _presenceOut = new XmppOutboundPresence(presenceCache, server.SendAsync, logger, Multicast);
        _presenceIn = new XmppInboundPresence(presenceRouter, presenceCache, _presenceOut, server.SendAsync, logger);
    }

    public DomainProtocol Protocol => DomainProtocol.Xmpp;

    /// <summary>Which peer domains take XEP-0033 multicast copies of presence (asked once per domain, cached).</summary>
    public XmppMulticastDiscovery Multicast { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server.StanzaHandler = OnStanzaAsync;
        await _server.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _server.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<DeliveryResult> DeliverMessageAsync(InstantMessage message, CancellationToken ct)
    {
        if (!XmppMessageTranslator.TryToXmpp(message, out var stanza))
        {
            return DeliveryResult.Fail(DeliveryFailure.AddressMalformed, "address cannot be expressed as a JID");
        }
        _sent.Record(message.Id, message.From, message.To);
        var result = await _server.SendAsync(stanza, ct).ConfigureAwait(false);
        if (result.Status == XmppSendStatus.Sent)
        {
            return DeliveryResult.Ok;
        }
        _sent.TryTake(message.Id, message.To.Domain, out _, out _);
        return DeliveryResult.Fail(XmppConditions.FromXmpp(result.Condition), result.Text ?? result.Condition);
    }

    /// <summary>A SIP-side failure reported late for a message an XMPP user sent: bounce it as RFC 6120 §8.3 says.</summary>
    public async Task DeliverReportAsync(DeliveryReport report, CancellationToken ct)
    {
        if (!XmppMessageTranslator.TryToXmpp(new InstantMessage(report.OriginalId, report.OriginalSender, report.OriginalRecipient, ""), out var original))
        {
            return;
        }
        original.Element(XmppNamespaces.Server + "body")?.Remove();
        await SendErrorAsync(original, XmppConditions.ToXmpp(report.Error.Failure), report.Error.Text, ct).ConfigureAwait(false);
    }

    /// <summary>Presence and subscription events for XMPP users, as presence stanzas (see <see cref="XmppOutboundPresence"/>).</summary>
    public Task<DeliveryResult> DeliverPresenceAsync(PresenceEvent presence, CancellationToken ct) =>
        _presenceOut.DeliverAsync(presence, ct);

    private Task OnStanzaAsync(XElement stanza)
    {
        // Each stanza is handled on its own so one slow SIP transaction never holds up the stream.
        _ = HandleStanzaAsync(stanza);
        return Task.CompletedTask;
    }

    private async Task HandleStanzaAsync(XElement stanza)
    {
        try
        {
            switch (stanza.Name.LocalName)
            {
                case "message":
                    await HandleMessageAsync(stanza).ConfigureAwait(false);
                    break;
                case "presence":
                    await _presenceIn.HandleAsync(stanza, _stopping.Token).ConfigureAwait(false);
                    break;
                case "iq" when (string?)stanza.Attribute("type") is "result" or "error":
                    // Answers to our own requests (disco#info); others are stray and dropped (RFC 6120 §8.2.3
                    // forbids answering a result or error).
                    if (!_iq.TryComplete(stanza))
                    {
                        _logger.LogDebug("iq {Type} {Id} from {From} answers no request of ours", (string?)stanza.Attribute("type"), (string?)stanza.Attribute("id"), (string?)stanza.Attribute("from"));
                    }
                    break;
                case "iq" when (string?)stanza.Attribute("type") is "get" or "set":
                    // RFC 6120 §8.2.3: every get/set must be answered; nothing is offered yet.
                    await SendErrorAsync(stanza, "service-unavailable", null, _stopping.Token).ConfigureAwait(false);
                    break;
                default:
                    _logger.LogDebug("Ignoring {Kind} stanza from {From}", stanza.Name.LocalName, (string?)stanza.Attribute("from"));
                    break;
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Failed to handle stanza {Id} from {From}", (string?)stanza.Attribute("id"), (string?)stanza.Attribute("from"));
        }
    }

    private async Task HandleMessageAsync(XElement stanza)
    {
        var ct = _stopping.Token;
        if ((string?)stanza.Attribute("type") == "error")
        {
            await HandleBounceAsync(stanza, ct).ConfigureAwait(false);
            return;
        }
        var translation = XmppMessageTranslator.FromXmpp(stanza);
        if (translation.ErrorCondition is { } condition)
        {
            await SendErrorAsync(stanza, condition, translation.ErrorText, ct).ConfigureAwait(false);
            return;
        }
        if (translation.Message is not { } message)
        {
            _logger.LogDebug("Message {Id} from {From} has no body; nothing to bridge", (string?)stanza.Attribute("id"), (string?)stanza.Attribute("from"));
            return;
        }
        var result = await _router.Value.RouteMessageAsync(message, DomainProtocol.Xmpp, ct).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            await SendErrorAsync(stanza, XmppConditions.ToXmpp(error.Failure), error.Text, ct).ConfigureAwait(false);
        }
    }

    private async Task HandleBounceAsync(XElement stanza, CancellationToken ct)
    {
        var id = (string?)stanza.Attribute("id") ?? "";
        var from = (string?)stanza.Attribute("from") ?? "";
        var domain = Bridge.Mapping.Addresses.XmppAddressMapping.TryFromXmpp(from, out var bouncer) ? bouncer.Domain : "";
        if (!_sent.TryTake(id, domain, out var sender, out var recipient))
        {
            _logger.LogDebug("Error stanza {Id} from {From} matches no message we sent", id, from);
            return;
        }
        var read = StanzaErrors.Read(stanza);
        var failure = XmppConditions.FromXmpp(read?.Condition);
        var text = read?.Text ?? read?.Condition;
        await _router.Value.RouteReportAsync(new DeliveryReport(id, sender, recipient, new DeliveryError(failure, text)), ct).ConfigureAwait(false);
    }

    private async Task SendErrorAsync(XElement stanza, string condition, string? text, CancellationToken ct)
    {
        var reply = StanzaErrors.CreateErrorReply(stanza, condition, text);
        var result = await _server.SendAsync(reply, ct).ConfigureAwait(false);
        if (result.Status != XmppSendStatus.Sent)
        {
            _logger.LogWarning("Could not return {Condition} for {Id} to {To}: {Reason}", condition, (string?)stanza.Attribute("id"), (string?)stanza.Attribute("from"), result.Condition);
        }
    }
}

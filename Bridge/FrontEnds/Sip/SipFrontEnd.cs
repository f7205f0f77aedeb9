using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Presence.Rules;
using Bridge.FrontEnds.Sip.Presence;
using Bridge.Mapping.Routing;
using Bridge.Mapping.Storage;
using Bridge.Sip;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Sip;

/// <summary>
/// The SIP port of the routing core. Requests are taken only from the trusted addresses of a configured
/// SIP peer domain; canonical deliveries go to the destination domain's configured Route, never to
/// what its name resolves to.
/// </summary>
public sealed class SipFrontEnd : IFrontEnd, IHostedLifecycleService
{
    private const string Allow = "MESSAGE, OPTIONS, SUBSCRIBE, NOTIFY";

    private readonly SipStack _stack;
    private readonly IBridgeConfigSource _config;
    private readonly Lazy<MessageRouter> _router;
    private readonly ISubscriptionStore _store;
    private readonly ILogger<SipFrontEnd> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SipPeerSender _sender;
    private readonly SipPresenceSubscriptions _subscriptions;
    private readonly SipPresenceNotifiers _notifiers;
    private readonly SipListNotifiers _lists;

    public SipFrontEnd(SipStack stack, IBridgeConfigSource config, Lazy<MessageRouter> router, Lazy<PresenceRouter> presenceRouter,
        ISubscriptionStore store, TimeProvider time, ILogger<SipFrontEnd> logger, IPresenceRulesSource? rules = null)
    {
        _stack = stack;
        _config = config;
        _router = router;
        _store = store;
        _logger = logger;
        _sender = new SipPeerSender(stack, config);
        _subscriptions = new SipPresenceSubscriptions(_sender, presenceRouter, store, time, logger, _stopping.Token,
            new PeeringPolicy(config), rules ?? new FolderPresenceRulesSource(config, logger));
        _notifiers = new SipPresenceNotifiers(stack, config, _sender, presenceRouter, store, time, logger, _stopping.Token);
        _lists = new SipListNotifiers(stack, config, _sender, presenceRouter, time, logger, _stopping.Token);
    }

    public DomainProtocol Protocol => DomainProtocol.Sip;

    /// <summary>Starts the stack. Stored subscriptions carry on in <see cref="StartedAsync"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _stack.RequestHandler = OnRequestAsync;
        await _stack.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Carries on the stored subscriptions once every service has started: restoring a SIP watcher probes
    /// the XMPP presentity, and that S2S stream's dialback needs the bridge's XMPP listener up, or the peer's
    /// verification connection is refused and the probe bounces.
    /// </summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var records = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        _subscriptions.Restore(records);
        await _notifiers.RestoreAsync(records).ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _stack.StopAsync(cancellationToken).ConfigureAwait(false);
        _subscriptions.Dispose();
        _notifiers.Dispose();
        _lists.Dispose();
        await _store.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<DeliveryResult> DeliverMessageAsync(InstantMessage message, CancellationToken ct)
    {
        var request = SipMessageTranslator.ToSip(message);
        return await SendAsync(request, message.To.Domain, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A late XMPP failure for a message a SIP user sent. SIP has no way to fail a transaction that has
    /// already ended, so the sender gets a MESSAGE from the recipient's address explaining it
    /// (RFC 7572 leaves the form open; plain text reaches every client).
    /// </summary>
    public async Task DeliverReportAsync(DeliveryReport report, CancellationToken ct)
    {
        var text = $"[bridge] Your message was not delivered to {report.OriginalRecipient.Bare}: {DescribeFailure(report.Error)}";
        var notice = SipMessageTranslator.ToSip(new InstantMessage(report.OriginalId + "-report", report.OriginalRecipient.Bare, report.OriginalSender, text, Language: "en"));
        var result = await SendAsync(notice, report.OriginalSender.Domain, ct).ConfigureAwait(false);
        _logger.LogInformation("Reported failure of {Id} ({Failure}) to {Sender}: {Outcome}", report.OriginalId, report.Error.Failure, report.OriginalSender, result.Delivered ? "sent" : result.Error!.Failure.ToString());
    }

    /// <summary>Presence towards SIP users: watcher requests go to SIP subscribers, presentity answers to SIP notifiers.</summary>
    public Task<DeliveryResult> DeliverPresenceAsync(PresenceEvent presence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(presence);
        return presence.IsFromWatcher ? _subscriptions.DeliverAsync(presence, ct) : DeliverToSipWatchersAsync(presence, ct);
    }

    /// <summary>A presentity's answer or presence: to the watcher's direct subscription and to every list of the watcher holding it.</summary>
    private async Task<DeliveryResult> DeliverToSipWatchersAsync(PresenceEvent presence, CancellationToken ct)
    {
        await _lists.DeliverAsync(presence).ConfigureAwait(false);
        return await _notifiers.DeliverAsync(presence, ct).ConfigureAwait(false);
    }

    private static string DescribeFailure(DeliveryError error) =>
        error.Text is { Length: > 0 } text ? $"{error.Failure} ({text})" : error.Failure.ToString();

    private async Task<DeliveryResult> SendAsync(SipRequest request, string domainName, CancellationToken ct)
    {
        var response = await _sender.SendAsync(request, domainName, ct).ConfigureAwait(false);
        if (response is null)
        {
            return DeliveryResult.Fail(DeliveryFailure.RemoteServerNotFound, $"no SIP route for {domainName}");
        }
        if (response.StatusCode is >= 200 and < 300)
        {
            return DeliveryResult.Ok;
        }
        return DeliveryResult.Fail(SipErrorMapping.FromSipStatus(response.StatusCode), $"{response.StatusCode} {response.ReasonPhrase}", response.StatusCode);
    }

    /// <summary>The stack runs each handler on its own task and answers 500 for one that ends without a final response.</summary>
    private async Task OnRequestAsync(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        try
        {
            if (!SipTrust.IsKnownSource(_config.Current, transaction))
            {
                _logger.LogWarning("Refused {Method} from untrusted source {Source}", request.Method, transaction.Remote.EndPoint);
                await RespondAsync(transaction, 403, "Forbidden", $"source {transaction.Remote.EndPoint.Address} is not a trusted peer").ConfigureAwait(false);
                return;
            }
            switch (request.Method)
            {
                case "MESSAGE":
                    await HandleMessageAsync(transaction).ConfigureAwait(false);
                    break;
                case "OPTIONS":
                    var ok = _stack.CreateResponse(request, 200);
                    ok.Headers.Add("Allow", Allow);
                    ok.Headers.Add("Accept", "text/plain");
                    await transaction.SendResponseAsync(ok).ConfigureAwait(false);
                    break;
                case "SUBSCRIBE":
                    if (!await _lists.TryHandleSubscribeAsync(transaction).ConfigureAwait(false))
                    {
                        await _notifiers.HandleSubscribeAsync(transaction).ConfigureAwait(false);
                    }
                    break;
                case "NOTIFY":
                    var status = await _subscriptions.HandleNotifyAsync(request).ConfigureAwait(false);
                    await RespondAsync(transaction, status, null, null).ConfigureAwait(false);
                    break;
                case "ACK":
                    break;
                case "INVITE" or "PUBLISH" or "REFER" or "INFO" or "UPDATE" or "PRACK" or "CANCEL" or "BYE" or "REGISTER":
                    var notAllowed = _stack.CreateResponse(request, 405);
                    notAllowed.Headers.Add("Allow", Allow);
                    await transaction.SendResponseAsync(notAllowed).ConfigureAwait(false);
                    break;
                default:
                    await RespondAsync(transaction, 501, "Not Implemented", null).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            await RespondAsync(transaction, 503, "Service Unavailable", "bridge shutting down").ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Failed to handle {Method} {Uri}", request.Method, request.RequestUri);
            await RespondAsync(transaction, 500, "Server Internal Error", null).ConfigureAwait(false);
        }
    }

    private async Task HandleMessageAsync(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        var translation = SipMessageTranslator.FromSip(request, SipRandom.Hex(16));
        if (translation.Message is not { } message)
        {
            var reject = _stack.CreateResponse(request, translation.Status, translation.Reason);
            if (translation.Status == 415)
            {
                reject.Headers.Add("Accept", "text/plain");
            }
            await transaction.SendResponseAsync(reject).ConfigureAwait(false);
            return;
        }
        if (!SipTrust.IsTrustedFor(_config.Current, message.From.Domain, transaction))
        {
            _logger.LogWarning("Refused MESSAGE from {From} via {Source}: that source is not trusted for {Domain}", message.From, transaction.Remote.EndPoint, message.From.Domain);
            await RespondAsync(transaction, 403, "Forbidden", $"source {transaction.Remote.EndPoint.Address} is not trusted for {message.From.Domain}").ConfigureAwait(false);
            return;
        }
        var result = await _router.Value.RouteMessageAsync(message, DomainProtocol.Sip, _stopping.Token).ConfigureAwait(false);
        if (result.Error is not { } error)
        {
            await RespondAsync(transaction, 200, "OK", null).ConfigureAwait(false);
            return;
        }
        if (error.RetryAfter is { } retryAfter)
        {
            // Over the sending domain's rate limit: 503 with Retry-After (RFC 3261 §21.5.4), the overload answer
            // that tells a proxy to try again later rather than fail the message over elsewhere.
            await RespondAsync(transaction, 503, null, error.Text, retryAfter).ConfigureAwait(false);
            return;
        }
        var status = error.IsPolicyRefusal ? 403 : SipErrorMapping.ToSipStatus(error.Failure);
        if (status is 401 or 407)
        {
            // A gateway has no challenge to offer, and 401/407 without one is malformed (RFC 3261 §21.4.2).
            status = 403;
        }
        await RespondAsync(transaction, status, null, error.Text ?? error.Failure.ToString()).ConfigureAwait(false);
    }

    /// <summary>Errors carry a human reason in a Warning header (RFC 3261 §20.43).</summary>
    private async Task RespondAsync(SipServerTransaction transaction, int status, string? reason, string? warning, TimeSpan? retryAfter = null)
    {
        try
        {
            var response = _stack.CreateResponse(transaction.Request, status, reason);
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
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _logger.LogDebug(e, "Could not send {Status} for {Method}", status, transaction.Request.Method);
        }
    }
}

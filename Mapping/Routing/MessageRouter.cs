using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Policy;
using Microsoft.Extensions.Logging;

namespace Bridge.Mapping.Routing;

/// <summary>
/// Moves messages and delivery reports from one protocol side to the other, after the peering policy
/// allowed them. Never throws for a failing front-end: every outcome becomes a <see cref="DeliveryResult"/>.
/// </summary>
/// <remarks>
/// Policy refusals map to XMPP conditions (RFC 6120 §8.3.3) as follows, and are flagged
/// <see cref="DeliveryError.IsPolicyRefusal"/>:
/// <list type="bullet">
/// <item>sender domain unknown, or seen on the wrong protocol: <c>forbidden</c> (§8.3.3.4) - the bridge
/// does not accept traffic from that sender; its users have no permission to use it;</item>
/// <item>recipient domain unknown, on the sender's own protocol, or not peered with the sender:
/// <c>remote-server-not-found</c> (§8.3.3.16) - as far as this sender can tell the destination
/// does not exist behind the bridge; naming it "not peered" would disclose the bridge's configuration;</item>
/// <item>peered, but the service is not allowed: <c>not-allowed</c> (§8.3.3.10).</item>
/// </list>
/// Through RFC 7247 §7.1 these reach a SIP sender as 403, 404 and 405.
/// </remarks>
public sealed class MessageRouter
{
    private readonly PeeringPolicy policy;
    private readonly IBridgeConfigSource config;
    private readonly ILogger<MessageRouter> logger;
    private readonly IPeerRateLimiter? limiter;
    private readonly Dictionary<DomainProtocol, IFrontEnd> frontEnds = [];

    /// <summary>Creates the router. At most one front-end per protocol; without a <paramref name="limiter"/> nothing is rate-limited.</summary>
    public MessageRouter(PeeringPolicy policy, IEnumerable<IFrontEnd> frontEnds, IBridgeConfigSource config, ILogger<MessageRouter> logger, IPeerRateLimiter? limiter = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(frontEnds);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(logger);
        this.policy = policy;
        this.config = config;
        this.logger = logger;
        this.limiter = limiter;
        foreach (var frontEnd in frontEnds)
        {
            if (!this.frontEnds.TryAdd(frontEnd.Protocol, frontEnd))
            {
                throw new ArgumentException($"more than one front-end for {frontEnd.Protocol}", nameof(frontEnds));
            }
        }
    }

    /// <summary>
    /// Checks the peering policy for <see cref="BridgeService.Message"/> and hands the message to the
    /// other protocol's front-end. Logs exactly one Information line per bridged message (Warning for a
    /// policy refusal).
    /// </summary>
    public async Task<DeliveryResult> RouteMessageAsync(InstantMessage message, DomainProtocol sourceProtocol, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var logBodies = config.Current.Logging.LogBodies;
        var direction = Direction(sourceProtocol);
        var decision = policy.Check(message.From.Domain, sourceProtocol, message.To.Domain, BridgeService.Message);
        if (!decision.IsAllowed)
        {
            var refusal = FrontEndCalls.Refusal(decision);
            LogOutcome(LogLevel.Warning, "Refused", direction, message, Outcome(refusal), logBodies);
            return refusal;
        }

        if (limiter?.TryAcquire(message.From.Domain, LimitedTraffic.Message) is { Allowed: false } limited)
        {
            // Logged by the limiter once per interval and domain; one line per refused message would let a flood flood the log.
            var error = DeliveryError.RateLimited(message.From.Domain, "messages", limited.RetryAfter);
            logger.LogDebug("Rate-limited message {Direction} {Id} from {From} to {To}", direction, message.Id, message.From.ToString(), message.To.ToString());
            return new DeliveryResult(error);
        }

        var destination = sourceProtocol.Other();
        if (!frontEnds.ContainsKey(destination))
        {
            logger.LogError("No {Protocol} front-end is registered; cannot deliver message {Id}", destination, message.Id);
        }
        var result = await FrontEndCalls.CallAsync(frontEnds, destination, f => f.DeliverMessageAsync(message, ct),
            ex => logger.LogError(ex, "The {Protocol} front-end failed while delivering message {Id}", destination, message.Id), ct).ConfigureAwait(false);

        LogOutcome(LogLevel.Information, "Bridged", direction, message, Outcome(result), logBodies);
        return result;
    }

    /// <summary>
    /// Hands a late failure to the front-end of <see cref="DeliveryReport.OriginalSender"/>'s side
    /// (looked up by its domain). Logs one Information line, or a Warning when it cannot be delivered.
    /// </summary>
    public async Task RouteReportAsync(DeliveryReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        var senderDomain = config.Current.FindDomain(report.OriginalSender.Domain);
        if (senderDomain is null)
        {
            logger.LogWarning(
                "Dropped delivery report for message {Id} from {From} to {To}: {Outcome} (sender domain is not configured)",
                report.OriginalId, report.OriginalSender.ToString(), report.OriginalRecipient.ToString(), report.Error.Failure.ToString());
            return;
        }

        var direction = Direction(senderDomain.Protocol.Other());
        if (!frontEnds.TryGetValue(senderDomain.Protocol, out var frontEnd))
        {
            logger.LogWarning(
                "Dropped delivery report {Direction} for message {Id} from {From} to {To}: {Outcome} (no {Protocol} front-end)",
                direction, report.OriginalId, report.OriginalSender.ToString(), report.OriginalRecipient.ToString(), report.Error.Failure.ToString(), senderDomain.Protocol);
            return;
        }

        try
        {
            await frontEnd.DeliverReportAsync(report, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // see RouteMessageAsync
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "The {Protocol} front-end failed while delivering the report for message {Id}", senderDomain.Protocol, report.OriginalId);
            return;
        }

        logger.LogInformation(
            "Delivery report {Direction} for message {Id} from {From} to {To}: {Outcome}",
            direction, report.OriginalId, report.OriginalSender.ToString(), report.OriginalRecipient.ToString(), report.Error.Failure.ToString());
    }


    private static string Direction(DomainProtocol source) => source == DomainProtocol.Xmpp ? "xmpp->sip" : "sip->xmpp";

    private static string Outcome(DeliveryResult result) => result.Error switch
    {
        null => "delivered",
        { Text: null } e => e.Failure.ToString(),
        { } e => e.Failure + ": " + e.Text,
    };

    private void LogOutcome(LogLevel level, string verb, string direction, InstantMessage message, string outcome, bool logBodies)
    {
        if (logBodies)
        {
            logger.Log(level, verb + " message {Direction} {Id} from {From} to {To}: {Outcome}; body: {Body}",
                direction, message.Id, message.From.ToString(), message.To.ToString(), outcome, message.Body);
        }
        else
        {
            logger.Log(level, verb + " message {Direction} {Id} from {From} to {To}: {Outcome}",
                direction, message.Id, message.From.ToString(), message.To.ToString(), outcome);
        }
    }
}

using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Presence;
using Microsoft.Extensions.Logging;

namespace Bridge.Mapping.Routing;

/// <summary>
/// Moves presence and subscription events from one protocol side to the other once the peering policy
/// allows <see cref="BridgeService.Presence"/> between the two domains. Like <see cref="MessageRouter"/> it
/// never throws for a failing front-end, and refusals use the same conditions (forbidden,
/// remote-server-not-found, not-allowed; SIP 403 for all of them).
/// </summary>
public sealed class PresenceRouter
{
    private readonly PeeringPolicy policy;
    private readonly ILogger<PresenceRouter> logger;
    private readonly IPeerRateLimiter? limiter;
    private readonly Dictionary<DomainProtocol, IFrontEnd> frontEnds = [];

    /// <summary>Creates the router. At most one front-end per protocol; without a <paramref name="limiter"/> nothing is rate-limited.</summary>
    public PresenceRouter(PeeringPolicy policy, IEnumerable<IFrontEnd> frontEnds, ILogger<PresenceRouter> logger, IPeerRateLimiter? limiter = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(frontEnds);
        ArgumentNullException.ThrowIfNull(logger);
        this.policy = policy;
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

    /// <summary>The policy decision alone, for a side that must refuse before it commits to anything (a SIP notifier answering SUBSCRIBE).</summary>
    public PolicyDecision Check(PresenceEvent presence, DomainProtocol sourceProtocol)
    {
        ArgumentNullException.ThrowIfNull(presence);
        return policy.Check(presence.From.Domain, sourceProtocol, presence.To.Domain, BridgeService.Presence);
    }

    /// <summary>
    /// The rate limit alone: a new subscription (<see cref="PresenceEventKind.Subscribe"/>) takes a permit of its
    /// sender's domain; every other kind passes. Null when it may go on, else the refusal to answer with. For a
    /// side that must answer before routing (a SIP notifier); it then routes with <c>admitted: true</c>.
    /// </summary>
    public DeliveryResult? Admit(PresenceEvent presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        if (presence.Kind != PresenceEventKind.Subscribe
            || limiter?.TryAcquire(presence.From.Domain, LimitedTraffic.Subscription) is not { Allowed: false } limited)
        {
            return null;
        }
        // Logged by the limiter once per interval and domain, not here once per refused subscription.
        logger.LogDebug("Rate-limited presence subscribe from {From} to {To}", presence.From.ToString(), presence.To.ToString());
        return new DeliveryResult(DeliveryError.RateLimited(presence.From.Domain, "subscriptions", limited.RetryAfter));
    }

    /// <summary>
    /// Checks the policy and hands the event to the other side. Subscription management is logged at
    /// Information, presence notifications (many, and routine) at Debug, refusals at Warning.
    /// </summary>
    /// <param name="presence">The event.</param>
    /// <param name="sourceProtocol">The side it came from.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="admitted">True when the caller already took the rate-limit permit with <see cref="Admit"/>.</param>
    public async Task<DeliveryResult> RouteAsync(PresenceEvent presence, DomainProtocol sourceProtocol, CancellationToken ct, bool admitted = false)
    {
        var decision = Check(presence, sourceProtocol);
        var direction = sourceProtocol == DomainProtocol.Xmpp ? "xmpp->sip" : "sip->xmpp";
        if (!decision.IsAllowed)
        {
            logger.LogWarning("Refused presence {Kind} {Direction} from {From} to {To}: {Reason}",
                presence.Kind, direction, presence.From.ToString(), presence.To.ToString(), decision.Reason);
            return FrontEndCalls.Refusal(decision);
        }

        if (!admitted && Admit(presence) is { } limited)
        {
            return limited;
        }

        var destination = sourceProtocol.Other();
        var result = await FrontEndCalls.CallAsync(frontEnds, destination, f => f.DeliverPresenceAsync(presence, ct),
            ex => logger.LogError(ex, "The {Protocol} front-end failed on presence {Kind} from {From} to {To}", destination, presence.Kind, presence.From.ToString(), presence.To.ToString()),
            ct).ConfigureAwait(false);

        var outcome = result.Error is { } e ? e.Failure + (e.Text is null ? "" : ": " + e.Text) : "delivered";
        var level = presence.Kind == PresenceEventKind.Notify && result.Delivered ? LogLevel.Debug : LogLevel.Information;
        logger.Log(level, "Bridged presence {Kind} {Direction} from {From} to {To}: {Outcome}",
            presence.Kind, direction, presence.From.ToString(), presence.To.ToString(), outcome);
        return result;
    }
}

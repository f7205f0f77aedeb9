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
    private readonly Dictionary<DomainProtocol, IFrontEnd> frontEnds = [];

    public PresenceRouter(PeeringPolicy policy, IEnumerable<IFrontEnd> frontEnds, ILogger<PresenceRouter> logger)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(frontEnds);
        ArgumentNullException.ThrowIfNull(logger);
        this.policy = policy;
        this.logger = logger;
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
    /// Checks the policy and hands the event to the other side. Subscription management is logged at
    /// Information, presence notifications (many, and routine) at Debug, refusals at Warning.
    /// </summary>
    public async Task<DeliveryResult> RouteAsync(PresenceEvent presence, DomainProtocol sourceProtocol, CancellationToken ct)
    {
        var decision = Check(presence, sourceProtocol);
        var direction = sourceProtocol == DomainProtocol.Xmpp ? "xmpp->sip" : "sip->xmpp";
        if (!decision.IsAllowed)
        {
            var failure = decision.Verdict == PolicyVerdict.ServiceNotAllowed ? DeliveryFailure.NotAllowed
                : decision.ConcernsSender ? DeliveryFailure.Forbidden
                : DeliveryFailure.RemoteServerNotFound;
            logger.LogWarning("Refused presence {Kind} {Direction} from {From} to {To}: {Reason}",
                presence.Kind, direction, presence.From.ToString(), presence.To.ToString(), decision.Reason);
            return new DeliveryResult(new DeliveryError(failure, decision.Reason, IsPolicyRefusal: true));
        }

        var destination = sourceProtocol.Other();
        DeliveryResult result;
        if (!frontEnds.TryGetValue(destination, out var frontEnd))
        {
            result = DeliveryResult.Fail(DeliveryFailure.ServiceUnavailable, $"the {destination.ToConfigString()} side of the bridge is not running");
        }
        else
        {
            try
            {
                result = await frontEnd.DeliverPresenceAsync(presence, ct).ConfigureAwait(false)
                    ?? DeliveryResult.Fail(DeliveryFailure.InternalServerError, "front-end returned no result");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // a broken front-end must not take the bridge down; the sender gets an error instead
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogError(ex, "The {Protocol} front-end failed on presence {Kind} from {From} to {To}", destination, presence.Kind, presence.From.ToString(), presence.To.ToString());
                result = DeliveryResult.Fail(DeliveryFailure.InternalServerError, "internal error in the bridge");
            }
        }

        var outcome = result.Error is { } e ? e.Failure + (e.Text is null ? "" : ": " + e.Text) : "delivered";
        var level = presence.Kind == PresenceEventKind.Notify && result.Delivered ? LogLevel.Debug : LogLevel.Information;
        logger.Log(level, "Bridged presence {Kind} {Direction} from {From} to {To}: {Outcome}",
            presence.Kind, direction, presence.From.ToString(), presence.To.ToString(), outcome);
        return result;
    }
}

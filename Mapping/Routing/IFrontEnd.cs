using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Presence;

namespace Bridge.Mapping.Routing;

/// <summary>One protocol side of the bridge, as the router sees it.</summary>
public interface IFrontEnd
{
    /// <summary>The protocol this front-end speaks.</summary>
    DomainProtocol Protocol { get; }

    /// <summary>Delivers a message whose <see cref="InstantMessage.To"/> is in a domain of this protocol.</summary>
    Task<DeliveryResult> DeliverMessageAsync(InstantMessage message, CancellationToken ct);

    /// <summary>Tells this side's user (<see cref="DeliveryReport.OriginalSender"/>) that a message sent earlier failed.</summary>
    Task DeliverReportAsync(DeliveryReport report, CancellationToken ct);

    /// <summary>
    /// Delivers a presence or subscription event whose <see cref="PresenceEvent.To"/> is in a domain of
    /// this protocol. Completes once this side took it on (a SUBSCRIBE accepted, a stanza written); the
    /// answer of the far user (approval, refusal) comes back later as an event of its own.
    /// </summary>
    Task<DeliveryResult> DeliverPresenceAsync(PresenceEvent presence, CancellationToken ct);
}

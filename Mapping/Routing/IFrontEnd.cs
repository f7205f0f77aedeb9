using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;

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
}

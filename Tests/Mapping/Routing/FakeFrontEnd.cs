using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Routing;

namespace Bridge.Tests.Mapping.Routing;

/// <summary>An in-process front-end that records what it is given and answers as told.</summary>
internal sealed class FakeFrontEnd(DomainProtocol protocol) : IFrontEnd
{
    public DomainProtocol Protocol { get; } = protocol;

    public List<InstantMessage> Messages { get; } = [];

    public List<DeliveryReport> Reports { get; } = [];

    public Func<InstantMessage, DeliveryResult> Answer { get; set; } = _ => DeliveryResult.Ok;

    public Exception? ReportFailure { get; set; }

    public Task<DeliveryResult> DeliverMessageAsync(InstantMessage message, CancellationToken ct)
    {
        Messages.Add(message);
        return Task.FromResult(Answer(message));
    }

    public Task DeliverReportAsync(DeliveryReport report, CancellationToken ct)
    {
        Reports.Add(report);
        return ReportFailure is null ? Task.CompletedTask : Task.FromException(ReportFailure);
    }
}

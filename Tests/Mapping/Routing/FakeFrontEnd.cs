using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Messages;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;

namespace Bridge.Tests.Mapping.Routing;

/// <summary>An in-process front-end that records what it is given and answers as told.</summary>
internal sealed class FakeFrontEnd(DomainProtocol protocol) : IFrontEnd
{
    public DomainProtocol Protocol { get; } = protocol;

    public List<InstantMessage> Messages { get; } = [];

    public List<DeliveryReport> Reports { get; } = [];

    public List<PresenceEvent> Presence { get; } = [];

    public Func<PresenceEvent, DeliveryResult> PresenceAnswer { get; set; } = _ => DeliveryResult.Ok;

    public Func<InstantMessage, DeliveryResult> Answer { get; set; } = _ => DeliveryResult.Ok;

    public Exception? ReportFailure { get; set; }

    /// <summary>Answer after an asynchronous hop, as a front-end waiting on the network does.</summary>
    public bool AnswerAsynchronously { get; set; }

    public async Task<DeliveryResult> DeliverMessageAsync(InstantMessage message, CancellationToken ct)
    {
        lock (Messages)
        {
            Messages.Add(message);
        }
        if (AnswerAsynchronously)
        {
            await Task.Yield();
        }
        return Answer(message);
    }

    public Task DeliverReportAsync(DeliveryReport report, CancellationToken ct)
    {
        Reports.Add(report);
        return ReportFailure is null ? Task.CompletedTask : Task.FromException(ReportFailure);
    }

    public Task<DeliveryResult> DeliverPresenceAsync(PresenceEvent presence, CancellationToken ct)
    {
        lock (Presence)
        {
            Presence.Add(presence);
        }
        return Task.FromResult(PresenceAnswer(presence));
    }
}

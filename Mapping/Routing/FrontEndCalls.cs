using Bridge.Mapping.Configuration;
using Bridge.Mapping.Errors;
using Bridge.Mapping.Policy;

namespace Bridge.Mapping.Routing;

/// <summary>What both routers do around a front-end: map a policy refusal, and call the other side safely.</summary>
internal static class FrontEndCalls
{
    /// <summary>
    /// The refusal as the sender sees it (see <see cref="MessageRouter"/>): not-allowed for a service the peering
    /// does not allow, forbidden when the sender's domain is the problem, else remote-server-not-found.
    /// </summary>
    public static DeliveryResult Refusal(PolicyDecision decision)
    {
        var failure = decision.Verdict switch
        {
            PolicyVerdict.ServiceNotAllowed => DeliveryFailure.NotAllowed,
            _ when decision.ConcernsSender => DeliveryFailure.Forbidden,
            _ => DeliveryFailure.RemoteServerNotFound,
        };
        return new DeliveryResult(new DeliveryError(failure, decision.Reason, IsPolicyRefusal: true));
    }

    /// <summary>
    /// Calls the destination's front-end. A missing front-end is service-unavailable; a throwing one becomes an
    /// internal error reported through <paramref name="onFailure"/>: a broken side must not take the bridge
    /// down, and the sender gets an error instead. Cancellation of <paramref name="ct"/> is passed through.
    /// </summary>
    public static async Task<DeliveryResult> CallAsync(
        IReadOnlyDictionary<DomainProtocol, IFrontEnd> frontEnds, DomainProtocol destination,
        Func<IFrontEnd, Task<DeliveryResult>> call, Action<Exception> onFailure, CancellationToken ct)
    {
        if (!frontEnds.TryGetValue(destination, out var frontEnd))
        {
            return DeliveryResult.Fail(DeliveryFailure.ServiceUnavailable, $"the {destination.ToConfigString()} side of the bridge is not running");
        }
        try
        {
            return await call(frontEnd).ConfigureAwait(false)
                ?? DeliveryResult.Fail(DeliveryFailure.InternalServerError, "front-end returned no result");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // see the summary
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onFailure(ex);
            return DeliveryResult.Fail(DeliveryFailure.InternalServerError, "internal error in the bridge");
        }
    }
}

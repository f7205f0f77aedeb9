using Bridge.Mapping.Configuration;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Routing;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>What the SIP presence classes share: routing an event to XMPP, and running detached work safely.</summary>
internal static class PresenceWork
{
    /// <summary>Routes an event from the SIP side; a refusal or failure is logged at Debug (the router already logged it).</summary>
    public static async Task RouteAsync(Lazy<PresenceRouter> router, PresenceEvent presence, ILogger logger, CancellationToken ct)
    {
        var result = await router.Value.RouteAsync(presence, DomainProtocol.Sip, ct).ConfigureAwait(false);
        if (!result.Delivered)
        {
            logger.LogDebug("Presence {Event} was not delivered: {Error}", presence, result.Error);
        }
    }

    /// <summary>
    /// Work started from timers and SIP events runs detached: a failure is logged, never thrown into a timer
    /// thread, and the process survives any failure of one subscription.
    /// </summary>
    public static async Task RunDetachedAsync(Func<Task> work, string what, ILogger logger, CancellationToken stopping)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // detached work: see the summary
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "Presence {What} failed", what);
        }
    }
}

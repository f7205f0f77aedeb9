using Bridge.Mapping.Errors;
using Bridge.Mapping.Presence;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>Watchers whose peering has DelegatedAuthorization go through <see cref="DelegatedPresence"/>.</summary>
public sealed partial class SipPresenceSubscriptions
{
    /// <summary>
    /// A watcher of a peering with DelegatedAuthorization: its subscribe and unsubscribe go to the shared
    /// subscription; a probe is answered from the shared document, never by a fetch of its own (which would
    /// bring the presentity's unfiltered document across for one watcher).
    /// </summary>
    private async Task<DeliveryResult> DeliverDelegatedAsync(PresenceEvent presence, CancellationToken ct)
    {
        switch (presence.Kind)
        {
            case PresenceEventKind.Subscribe:
                return await _delegated.SubscribeAsync(presence.From.Bare, presence.To.Bare, ct).ConfigureAwait(false);
            case PresenceEventKind.Unsubscribe:
                return await _delegated.UnsubscribeAsync(presence.From.Bare, presence.To.Bare, ct).ConfigureAwait(false);
            case PresenceEventKind.Probe:
                await _delegated.TryAnswerProbeAsync(presence.From, presence.To.Bare).ConfigureAwait(false);
                return DeliveryResult.Ok;
            default:
                return DeliveryResult.Fail(DeliveryFailure.BadRequest, $"{presence.Kind} is not sent by a watcher");
        }
    }
}

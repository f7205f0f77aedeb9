using System.Globalization;

namespace Bridge.Sip;

/// <summary>Snapshot and restore: a notifier carries on its dialog after a restart.</summary>
public sealed partial class SipNotifier
{
    /// <summary>
    /// Rebuilds a notifier from <see cref="Snapshot"/> (after a restart), continuing the same dialog. A subscription
    /// whose expiry passed meanwhile comes back terminated with reason timeout (§4.2.2), ready for its final NOTIFY.
    /// Events raised from then on reach handlers attached after this call.
    /// </summary>
    /// <exception cref="FormatException">The snapshot does not describe a pending or active subscription of a served package.</exception>
    public static SipNotifier Restore(SipNotifierOptions options, TimeProvider time, SipNotifierSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var notifier = new SipNotifier(options, time);
        var package = options.Packages.FirstOrDefault(p => string.Equals(p.Name, snapshot.Package, StringComparison.Ordinal))
            ?? throw new FormatException($"package '{snapshot.Package}' is not served");
        if (!SipEventHeader.TryParse(snapshot.Event, out var evt) || !string.Equals(evt.Package, package.Name, StringComparison.Ordinal))
        {
            throw new FormatException($"'{snapshot.Event}' is not an Event value of package {package.Name}");
        }
        if (snapshot.State is not (SipSubscriptionState.Pending or SipSubscriptionState.Active))
        {
            throw new FormatException($"only a pending or active subscription can be restored, not {snapshot.State}");
        }
        var dialog = SipDialog.Restore(snapshot.CallId, snapshot.LocalTag, snapshot.RemoteTag, snapshot.LocalParty, snapshot.RemoteParty,
            snapshot.RemoteTarget, snapshot.RouteSet, snapshot.LocalContact, snapshot.LocalCSeq, snapshot.RemoteCSeq);
        List<Action> ignored = [];
        lock (notifier._lock)
        {
            notifier.Dialog = dialog;
            notifier.Package = package;
            notifier.Event = evt;
            notifier.State = snapshot.State;
            var remaining = snapshot.ExpiresAt - time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                notifier.ScheduleExpiry(remaining);
            }
            else
            {
                notifier.ExpiresAt = snapshot.ExpiresAt;
                notifier.TerminateLocked(SipSubscriptionReasons.Timeout, ignored);
            }
        }
        return notifier;
    }

    /// <summary>The state to persist, or null when there is nothing to carry on (not accepted yet, or terminated).</summary>
    public SipNotifierSnapshot? Snapshot()
    {
        lock (_lock)
        {
            if (Dialog is not { } d || Event is null || Package is null || ExpiresAt is not { } expires
                || State is not (SipSubscriptionState.Pending or SipSubscriptionState.Active))
            {
                return null;
            }
            return new SipNotifierSnapshot(d.CallId, d.LocalTag, d.RemoteTag, d.LocalParty.ToString(), d.RemoteParty.ToString(),
                d.RemoteTarget, [.. d.RouteSet], d.LocalContact, d.LocalCSeq, d.RemoteCSeq, Event.ToString(), Package.Name, State, expires);
        }
    }
}

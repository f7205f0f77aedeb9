using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Sip;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>One SIP watcher's subscription to one XMPP presentity.</summary>
internal sealed class PresenceWatch(SipNotifier notifier, ChatAddress watcher, ChatAddress presentity)
{
    public SipNotifier Notifier { get; } = notifier;

    public ChatAddress Watcher { get; } = watcher;

    public ChatAddress Presentity { get; } = presentity;

    public PresenceDocument? Last { get; set; }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Brought back from the store after a restart, and probed for its presentity's presence.</summary>
    public bool Restored { get; set; }
}

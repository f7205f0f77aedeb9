namespace Bridge.Mapping.Storage;

/// <summary>Which side of the bridge holds the watcher of a stored subscription.</summary>
public enum SubscriptionRole
{
    /// <summary>An XMPP watcher of a SIP presentity: the bridge is the SIP subscriber (it sends SUBSCRIBE).</summary>
    XmppWatcher,

    /// <summary>A SIP watcher of an XMPP presentity: the bridge is the SIP notifier (it sends NOTIFY).</summary>
    SipWatcher,
}

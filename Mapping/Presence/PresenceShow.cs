namespace Bridge.Mapping.Presence;

/// <summary>
/// The availability sub-state of an available source (RFC 6121 §4.7.2.1 &lt;show/&gt; values;
/// on the SIP side expressed through RPID activities, see <see cref="RpidActivityMapping"/>).
/// </summary>
public enum PresenceShow
{
    /// <summary>No &lt;show/&gt;: plainly available (or nothing known beyond on/off).</summary>
    None,

    /// <summary>XMPP "away".</summary>
    Away,

    /// <summary>XMPP "chat": actively interested in chatting.</summary>
    Chat,

    /// <summary>XMPP "dnd".</summary>
    DoNotDisturb,

    /// <summary>XMPP "xa": away for an extended period.</summary>
    ExtendedAway,
}

namespace Bridge.Mapping.Presence;

/// <summary>
/// The "on/off" part of presence (RFC 8048 §6.1): XMPP presence without 'type' / type='unavailable',
/// PIDF &lt;basic&gt;open&lt;/basic&gt; / &lt;basic&gt;closed&lt;/basic&gt;.
/// </summary>
public enum PresenceAvailability
{
    Available,
    Unavailable,
}

namespace Bridge.Mapping.Presence.Rules;

/// <summary>
/// What a presentity's rules say of a watcher's subscription (RFC 5025 §3.2.1), in increasing order of
/// permission, so that combining matching rules takes the maximum (RFC 4745 §10.2).
/// </summary>
public enum SubHandling
{
    /// <summary>Refused, and told so.</summary>
    Block = 0,

    /// <summary>Refused, but the watcher is shown a subscription without information.</summary>
    PoliteBlock = 10,

    /// <summary>The presentity is asked.</summary>
    Confirm = 20,

    /// <summary>Allowed.</summary>
    Allow = 30,
}

namespace Bridge.Mapping.Policy;

/// <summary>Outcome of a peering policy check.</summary>
public enum PolicyVerdict
{
    /// <summary>The traffic may cross the bridge.</summary>
    Allowed,

    /// <summary>A domain is not configured.</summary>
    UnknownDomain,

    /// <summary>A domain is configured for the other protocol than the one it was seen on (or both ends are on one side).</summary>
    WrongProtocol,

    /// <summary>Both domains are configured but no peering contains both.</summary>
    NotPeered,

    /// <summary>The domains are peered, but not for this service.</summary>
    ServiceNotAllowed,
}

namespace Bridge.Mapping.Configuration;

/// <summary>The current configuration; replaced atomically when a valid new one is loaded.</summary>
public interface IBridgeConfigSource
{
    /// <summary>The configuration in force now. Read it once per operation.</summary>
    BridgeConfig Current { get; }

    /// <summary>Raised after <see cref="Current"/> was replaced by a valid new configuration.</summary>
    event Action<BridgeConfig>? Changed;
}

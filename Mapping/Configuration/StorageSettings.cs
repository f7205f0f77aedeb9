namespace Bridge.Mapping.Configuration;

/// <summary>Where the bridge keeps subscriptions between restarts (section "Bridge:Storage").</summary>
/// <param name="Path">SQLite database file, relative to the working directory; ":memory:" keeps nothing across restarts.</param>
/// <param name="FlushIntervalMilliseconds">How long queued writes may wait to be batched into one transaction.</param>
public sealed record StorageSettings(string Path = StorageSettings.DefaultPath, int FlushIntervalMilliseconds = 200)
{
    /// <summary>The default database file.</summary>
    public const string DefaultPath = "bridge.db";

    /// <summary>The path that means "no file".</summary>
    public const string InMemory = ":memory:";

    /// <summary>True when nothing is kept across restarts.</summary>
    public bool IsInMemory => Path == InMemory;
}

namespace Bridge.Mapping.Configuration;

/// <summary>Logging choices.</summary>
/// <param name="LogBodies">Include message bodies in logs (off by default: they are private).</param>
public sealed record LoggingSettings(bool LogBodies = false);

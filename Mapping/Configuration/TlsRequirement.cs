namespace Bridge.Mapping.Configuration;

/// <summary>Per-domain TLS policy ("off", "optional", "required").</summary>
public enum TlsRequirement
{
    Off,
    Optional,
    Required,
}

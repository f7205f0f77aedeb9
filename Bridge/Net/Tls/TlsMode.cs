namespace Bridge.Net.Tls;

/// <summary>Whether a peering link uses TLS: never, when both sides can, or always (refusing the peer otherwise).</summary>
public enum TlsMode
{
    Off,
    Optional,
    Required,
}

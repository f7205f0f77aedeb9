namespace Bridge.Mapping.Configuration;

/// <summary>Transport of a listen endpoint or route.</summary>
public enum TransportKind
{
    /// <summary>UDP.</summary>
    Udp,

    /// <summary>TCP.</summary>
    Tcp,

    /// <summary>TLS over TCP.</summary>
    Tls,
}

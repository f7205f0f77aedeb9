namespace Bridge.Mapping.Configuration;

/// <summary>The bridge's own TLS identity and trust anchors (section "Bridge:Tls"); read at start only.</summary>
/// <param name="CertificateFile">PEM certificate (chain) the bridge presents, for XMPP STARTTLS and SIP TLS.</param>
/// <param name="KeyFile">PEM private key of that certificate.</param>
/// <param name="CaFile">PEM CA certificates trusted for peers instead of the system store; null for the system store.</param>
public sealed record TlsSettings(string? CertificateFile = null, string? KeyFile = null, string? CaFile = null)
{
    /// <summary>True when the bridge has a certificate to present.</summary>
    public bool HasCertificate => !string.IsNullOrEmpty(CertificateFile);
}

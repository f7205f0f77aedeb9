using System.Collections.Immutable;

namespace Bridge.Mapping.Configuration;

/// <summary>TLS settings of one peer domain.</summary>
/// <param name="Mode">The configured "Tls" value; null for the default (optional with a bridge certificate, else off).</param>
/// <param name="TrustedFingerprints">Lower-case hex SHA-256 fingerprints; when any, only these certificates authenticate the domain.</param>
public sealed record DomainTlsConfig(TlsRequirement? Mode, ImmutableArray<string> TrustedFingerprints)
{
    /// <summary>The mode in force, given whether the bridge has a certificate.</summary>
    public TlsRequirement Effective(bool bridgeHasCertificate) =>
        Mode ?? (bridgeHasCertificate ? TlsRequirement.Optional : TlsRequirement.Off);
}

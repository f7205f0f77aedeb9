namespace Bridge.Mapping.Configuration;

/// <summary>Checks of "Bridge:Tls" and the per-domain TLS keys.</summary>
public static partial class BridgeConfigValidator
{
    private static void ValidateTls(BridgeConfig config, List<string> errors)
    {
        var tls = config.Tls;
        if (string.IsNullOrEmpty(tls.CertificateFile) != string.IsNullOrEmpty(tls.KeyFile))
        {
            errors.Add(string.IsNullOrEmpty(tls.CertificateFile)
                ? "Bridge:Tls:CertificateFile: is required when Bridge:Tls:KeyFile is set"
                : "Bridge:Tls:KeyFile: is required when Bridge:Tls:CertificateFile is set");
        }
        if (!tls.HasCertificate && config.Sip.Listen.Any(l => l.Transport == TransportKind.Tls))
        {
            errors.Add("Bridge:Sip:Listen: a tls: listener needs Bridge:Tls:CertificateFile and KeyFile");
        }
        foreach (var (name, domain) in config.Domains.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var key = $"Bridge:Domains:{name}";
            // Inbound XMPP peers can only be made to use TLS if the bridge can offer it.
            if (domain.Tls.Mode == TlsRequirement.Required && !tls.HasCertificate && domain.Protocol == DomainProtocol.Xmpp)
            {
                errors.Add($"{key}:Tls: \"required\" needs Bridge:Tls:CertificateFile and KeyFile (STARTTLS cannot be offered without them)");
            }
            if (domain.Tls.Mode == TlsRequirement.Off && !domain.Tls.TrustedFingerprints.IsDefaultOrEmpty)
            {
                errors.Add($"{key}:TrustedFingerprints: pins are useless with Tls \"off\"");
            }
            if (domain.Protocol == DomainProtocol.Sip && domain.Route?.Transport == TransportKind.Tls && domain.Tls.Mode == TlsRequirement.Off)
            {
                errors.Add($"{key}:Tls: \"off\" contradicts the sips:/transport=tls Route");
            }
            else if (domain.Protocol == DomainProtocol.Sip && domain.Route?.Transport == TransportKind.Tls
                && !config.Sip.Listen.Any(l => l.Transport == TransportKind.Tls))
            {
                // Requests leave from a listener of their transport (its address goes into Via).
                errors.Add($"{key}:Route: a sips:/transport=tls route needs a tls: entry in Bridge:Sip:Listen");
            }
        }
    }
}

using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bridge.Hosting.Configuration;

/// <summary>
/// "Bridge:Tls" (CertificateFile, KeyFile, CaFile: PEM files) and per domain "Tls" ("off" | "optional" |
/// "required") and "TrustedFingerprints" (SHA-256, hex, colons allowed). The files are loaded here once so
/// that a missing or unreadable one fails startup with a line naming its key.
/// </summary>
public static partial class BridgeConfigReader
{
    private static TlsSettings ReadTls(IConfigurationSection section, List<string> errors)
    {
        var certificate = NonEmpty(section.GetSection("CertificateFile"), errors);
        var key = NonEmpty(section.GetSection("KeyFile"), errors);
        var ca = NonEmpty(section.GetSection("CaFile"), errors);
        if (certificate is not null && key is not null)
        {
            try
            {
                using var loaded = LoadCertificate(new TlsSettings(certificate, key));
                if (!loaded.HasPrivateKey)
                {
                    errors.Add($"{section.Path}:KeyFile: '{key}' holds no private key for the certificate");
                }
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                errors.Add($"{section.Path}:CertificateFile: '{certificate}' with KeyFile '{key}' cannot be loaded: {e.Message}");
            }
        }
        if (ca is not null)
        {
            try
            {
                if (LoadCaFile(ca).Count == 0)
                {
                    errors.Add($"{section.Path}:CaFile: '{ca}' holds no PEM certificate");
                }
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                errors.Add($"{section.Path}:CaFile: '{ca}' cannot be read: {e.Message}");
            }
        }
        return new TlsSettings(certificate, key, ca);
    }

    private static DomainTlsConfig ReadDomainTls(IConfigurationSection domain, List<string> errors)
    {
        TlsRequirement? mode = null;
        var modeSection = domain.GetSection("Tls");
        if (modeSection.Value is { } text)
        {
            switch (text.Trim().ToLowerInvariant())
            {
                case "off": mode = TlsRequirement.Off; break;
                case "optional": mode = TlsRequirement.Optional; break;
                case "required": mode = TlsRequirement.Required; break;
                default: errors.Add($"{modeSection.Path}: '{text}' is not \"off\", \"optional\" or \"required\""); break;
            }
        }
        var pins = ImmutableArray.CreateBuilder<string>();
        foreach (var item in Items(domain.GetSection("TrustedFingerprints")))
        {
            var pin = (item.Value ?? "").Replace(":", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
            if (pin.Length == 64 && pin.All(Uri.IsHexDigit))
            {
                pins.Add(pin);
            }
            else
            {
                errors.Add($"{item.Path}: '{item.Value}' is not a SHA-256 fingerprint (64 hex digits)");
            }
        }
        return new DomainTlsConfig(mode, pins.ToImmutable());
    }

    /// <summary>The bridge certificate with its key, from the two PEM files.</summary>
    public static X509Certificate2 LoadCertificate(TlsSettings tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        using var pem = X509Certificate2.CreateFromPemFile(tls.CertificateFile!, tls.KeyFile);
        // SslStream on Linux needs a key OpenSSL can use as a server key; a PKCS#12 round trip gives one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Every certificate of a PEM bundle.</summary>
    public static X509Certificate2Collection LoadCaFile(string path)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        return roots;
    }

    private static string? NonEmpty(IConfigurationSection section, List<string> errors)
    {
        if (section.Value is null)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(section.Value))
        {
            errors.Add($"{section.Path}: must not be empty");
            return null;
        }
        return section.Value.Trim();
    }
}

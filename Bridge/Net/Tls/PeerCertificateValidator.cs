using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bridge.Net.Tls;

/// <summary>
/// Decides whether a peer certificate authenticates a domain: pinned SHA-256 fingerprints for the domain when
/// configured (then nothing else counts), else a chain to the trust anchors (the system store, or the
/// configured CA certificates instead) plus an RFC 6125 name match. Time comes from the injected clock,
/// so expiry is judged against it; revocation is not checked (peering links are configured by hand).
/// </summary>
public sealed class PeerCertificateValidator(
    X509Certificate2Collection? customRoots,
    Func<string, IReadOnlyCollection<string>> pinsFor,
    TimeProvider time)
{
    /// <summary>Trusts the system store only and pins nothing.</summary>
    public static PeerCertificateValidator SystemStore(TimeProvider time) => new(null, _ => [], time);

    public PeerCertificateResult Check(X509Certificate2? certificate, string domain, PeerIdentityKind kind)
    {
        if (certificate is null)
        {
            return PeerCertificateResult.Invalid("no certificate presented");
        }
        try
        {
            return CheckCore(certificate, domain, kind);
        }
        catch (CryptographicException e)
        {
            return PeerCertificateResult.Invalid("unreadable certificate: " + e.Message);
        }
    }

    private PeerCertificateResult CheckCore(X509Certificate2 certificate, string domain, PeerIdentityKind kind)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return PeerCertificateResult.Invalid($"certificate {certificate.Subject} is not valid now (valid {certificate.NotBefore:u} to {certificate.NotAfter:u})");
        }
        var pins = pinsFor(domain);
        if (pins.Count > 0)
        {
            var fingerprint = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
            return pins.Any(p => string.Equals(Normalize(p), fingerprint, StringComparison.Ordinal))
                ? PeerCertificateResult.Valid("pinned fingerprint")
                : PeerCertificateResult.Invalid($"fingerprint {fingerprint} is not pinned for {domain}");
        }
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = now;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            if (customRoots is { Count: > 0 })
            {
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(customRoots);
            }
            if (!chain.Build(certificate))
            {
                var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
                return PeerCertificateResult.Invalid($"certificate {certificate.Subject} is not trusted ({status})");
            }
        }
        var presented = PresentedIdentifiers.From(certificate);
        var matches = kind == PeerIdentityKind.XmppServer
            ? CertificateNameMatcher.MatchesXmppDomain(presented, domain)
            : CertificateNameMatcher.MatchesSipDomain(presented, domain);
        return matches
            ? PeerCertificateResult.Valid("trusted chain, name matches")
            : PeerCertificateResult.Invalid($"certificate {certificate.Subject} does not name {domain} (RFC 6125)");
    }

    /// <summary>Accepts "AB:CD:..." and "abcd..." alike.</summary>
    public static string Normalize(string fingerprint) =>
        (fingerprint ?? string.Empty).Replace(":", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
}

using System.Globalization;

namespace Bridge.Net.Tls;

/// <summary>
/// RFC 6125 §6 matching of a reference identifier (the peer's domain) against presented identifiers.
/// Which identifier types count depends on the application: XMPP S2S (RFC 6120 §13.7.2.1) uses DNS-ID,
/// SRV-ID "_xmpp-server.domain" and xmppAddr; SIP (RFC 5922 §7.1) uses URI-ID "sip:domain" and DNS-ID.
/// </summary>
public static class CertificateNameMatcher
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>Does the certificate identify <paramref name="domain"/> as an XMPP server?</summary>
    public static bool MatchesXmppDomain(PresentedIdentifiers presented, string domain)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (ToAscii(domain) is not { } reference)
        {
            return false;
        }
        // RFC 6125 §6.5.1 / RFC 4985: SRV-ID "_service.name"; no wildcards there.
        return presented.DnsNames.Any(d => MatchesDnsId(d, reference))
            || presented.SrvNames.Any(s => s.StartsWith("_xmpp-server.", StringComparison.OrdinalIgnoreCase)
                && ToAscii(s["_xmpp-server.".Length..]) is { } host && host == reference)
            || presented.XmppAddrs.Any(x => ToAscii(x) is { } jid && jid == reference)
            || CommonNameFallback(presented, reference);
    }

    /// <summary>Does the certificate identify <paramref name="domain"/> as a SIP domain (RFC 5922 §7.1)?</summary>
    public static bool MatchesSipDomain(PresentedIdentifiers presented, string domain)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (ToAscii(domain) is not { } reference)
        {
            return false;
        }
        // RFC 5922 §7.1: URI "sip:domain" (no user part) or a DNS-ID; RFC 5922 §7.2 forbids wildcards for SIP,
        // but RFC 6125 DNS-ID wildcards are common in deployed SIP certificates, so only exact DNS-IDs count here.
        return presented.Uris.Any(u => u.StartsWith("sip:", StringComparison.OrdinalIgnoreCase)
                && !u.Contains('@', StringComparison.Ordinal) && ToAscii(u[4..]) is { } host && host == reference)
            || presented.DnsNames.Any(d => !d.Contains('*', StringComparison.Ordinal) && ToAscii(d) is { } name && name == reference)
            || CommonNameFallback(presented, reference);
    }

    /// <summary>
    /// RFC 6125 §6.4.1 and §6.4.3: case-insensitive comparison of A-labels; a wildcard only as the whole
    /// left-most label, matching exactly one label, never in a name of two labels or fewer (a public suffix guard).
    /// </summary>
    public static bool MatchesDnsId(string presented, string referenceAscii)
    {
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(referenceAscii);
        if (presented.StartsWith("*.", StringComparison.Ordinal))
        {
            var rest = presented[2..];
            if (rest.Contains('*', StringComparison.Ordinal) || ToAscii(rest) is not { } suffix || !suffix.Contains('.', StringComparison.Ordinal))
            {
                return false;
            }
            var dot = referenceAscii.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && referenceAscii[(dot + 1)..] == suffix;
        }
        if (presented.Contains('*', StringComparison.Ordinal))
        {
            // Partial ("f*o.example") or non-left-most wildcards: RFC 6125 §7.2 advises against; we refuse them.
            return false;
        }
        return ToAscii(presented) == referenceAscii;
    }

    /// <summary>RFC 6125 §6.4.4: the CN counts only when the certificate presents no SAN identifier at all.</summary>
    private static bool CommonNameFallback(PresentedIdentifiers presented, string reference) =>
        !presented.HasSan && presented.CommonName is { } cn && !cn.Contains('*', StringComparison.Ordinal) && ToAscii(cn) == reference;

    /// <summary>A lower-case A-label form (RFC 5890), case-folding U-labels; null when not a valid domain.</summary>
    public static string? ToAscii(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            return null;
        }
        var trimmed = domain.Trim().TrimEnd('.');
        try
        {
            return Idn.GetAscii(trimmed.ToLowerInvariant()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bridge.Net.Tls;

/// <summary>
/// The reference-able identifiers a certificate presents (RFC 6125 §1.8): DNS-IDs, SRV-IDs, URI-IDs and
/// XMPP's xmppAddr (RFC 6120 §13.7.1.4), from subjectAltName; the CN only for the §6.4.4 fallback.
/// </summary>
public sealed record PresentedIdentifiers(
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<string> SrvNames,
    IReadOnlyList<string> Uris,
    IReadOnlyList<string> XmppAddrs,
    string? CommonName)
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string SrvNameOid = "1.3.6.1.5.5.7.8.7";   // RFC 4985
    private const string XmppAddrOid = "1.3.6.1.5.5.7.8.5";  // RFC 6120 §13.7.1.4

    /// <summary>True when the certificate has any subjectAltName identifier, so the CN must be ignored (RFC 6125 §6.4.4).</summary>
    public bool HasSan => DnsNames.Count + SrvNames.Count + Uris.Count + XmppAddrs.Count > 0;

    /// <summary>Reads the identifiers; a malformed extension yields no SAN identifiers, never an exception.</summary>
    public static PresentedIdentifiers From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var dns = new List<string>();
        var srv = new List<string>();
        var uris = new List<string>();
        var xmpp = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }
            try
            {
                ReadGeneralNames(extension.RawData, dns, srv, uris, xmpp);
            }
            catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
            {
                dns.Clear();
                srv.Clear();
                uris.Clear();
                xmpp.Clear();
            }
        }
        string? cn = null;
        try
        {
            cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        }
        catch (CryptographicException)
        {
        }
        return new PresentedIdentifiers(dns, srv, uris, xmpp, string.IsNullOrEmpty(cn) ? null : cn);
    }

    private static void ReadGeneralNames(byte[] der, List<string> dns, List<string> srv, List<string> uris, List<string> xmpp)
    {
        var names = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        while (names.HasData)
        {
            var tag = names.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific)
            {
                names.ReadEncodedValue();
                continue;
            }
            switch (tag.TagValue)
            {
                case 0: // otherName: SEQUENCE { type-id OID, [0] EXPLICIT value }
                    var other = names.ReadSequence(tag);
                    var typeId = other.ReadObjectIdentifier();
                    var value = other.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                    if (typeId == SrvNameOid)
                    {
                        srv.Add(value.ReadCharacterString(UniversalTagNumber.IA5String));
                    }
                    else if (typeId == XmppAddrOid)
                    {
                        xmpp.Add(value.ReadCharacterString(UniversalTagNumber.UTF8String));
                    }
                    break;
                case 2: // dNSName IA5String
                    dns.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 2)));
                    break;
                case 6: // uniformResourceIdentifier IA5String
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6)));
                    break;
                default:
                    names.ReadEncodedValue();
                    break;
            }
        }
    }
}

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bridge.Tests.Net;

/// <summary>Certificates made at test time: a CA and leaves signed by it, with chosen names and validity.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> LazyCa = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Bridge Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddYears(1));
    });

    public static X509Certificate2 Ca => LazyCa.Value;

    public static X509Certificate2Collection Roots => [Ca];

    /// <summary>A leaf for TLS client and server use, with the private key, signed by <see cref="Ca"/>.</summary>
    public static X509Certificate2 Leaf(
        string commonName, IEnumerable<string>? dnsNames = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        string? xmppAddr = null, string? srvName = null, string? uri = null, bool selfSigned = false)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = SubjectAltName(dnsNames ?? [], xmppAddr, srvName, uri);
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }
        var from = notBefore ?? DateTimeOffset.UtcNow.AddHours(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        if (selfSigned)
        {
            return Exportable(request.CreateSelfSigned(from, to));
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var issued = request.Create(Ca, from, to, serial);
        return Exportable(issued.CopyWithPrivateKey(key));
    }

    /// <summary>SslStream on Linux wants a key it can hand to OpenSSL; a PKCS#12 round trip gives one.</summary>
    private static X509Certificate2 Exportable(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);

    private static X509Extension? SubjectAltName(IEnumerable<string> dnsNames, string? xmppAddr, string? srvName, string? uri)
    {
        var names = dnsNames.ToList();
        if (names.Count == 0 && xmppAddr is null && srvName is null && uri is null)
        {
            return null;
        }
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var name in names)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, 2));
            }
            if (srvName is not null)
            {
                OtherName(writer, "1.3.6.1.5.5.7.8.7", UniversalTagNumber.IA5String, srvName);
            }
            if (xmppAddr is not null)
            {
                OtherName(writer, "1.3.6.1.5.5.7.8.5", UniversalTagNumber.UTF8String, xmppAddr);
            }
            if (uri is not null)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6));
            }
        }
        return new X509Extension("2.5.29.17", writer.Encode(), false);
    }

    private static void OtherName(AsnWriter writer, string oid, UniversalTagNumber type, string value)
    {
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            writer.WriteObjectIdentifier(oid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteCharacterString(type, value);
            }
        }
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bridge.Hosting.Configuration;
using Bridge.Mapping.Configuration;
using Bridge.Tests.Net;
using Microsoft.Extensions.Configuration;

namespace Bridge.Tests.Hosting;

[TestClass]
public sealed class BridgeConfigReaderTlsTests
{
    private static (BridgeConfig? Config, List<string> Errors) Read(Dictionary<string, string?> extra)
    {
        var values = BridgeConfigReaderTests.ValidValues();
        foreach (var (k, v) in extra)
        {
            values[k] = v;
        }
        var errors = new List<string>();
        var config = BridgeConfigReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), errors);
        return (config, errors);
    }

    internal static (string Cert, string Key, string Ca) WritePem()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-tls-").FullName;
        using var leaf = TestCertificates.Leaf("b.test", ["b.test"]);
        var cert = Path.Combine(dir, "b.pem");
        var key = Path.Combine(dir, "b.key");
        var ca = Path.Combine(dir, "ca.pem");
        File.WriteAllText(cert, leaf.ExportCertificatePem());
        File.WriteAllText(key, leaf.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(ca, TestCertificates.Ca.ExportCertificatePem());
        return (cert, key, ca);
    }

    [TestMethod]
    public void DefaultsAreOptionalWithACertificateAndOffWithout()
    {
        var (plain, errors) = Read([]);
        Assert.IsNotNull(plain, string.Join("\n", errors));
        Assert.AreEqual(TlsRequirement.Off, plain.TlsModeFor("a.test"));

        var (cert, key, ca) = WritePem();
        var (withCert, errors2) = Read(new() { ["Bridge:Tls:CertificateFile"] = cert, ["Bridge:Tls:KeyFile"] = key, ["Bridge:Tls:CaFile"] = ca });
        Assert.IsNotNull(withCert, string.Join("\n", errors2));
        Assert.AreEqual(TlsRequirement.Optional, withCert.TlsModeFor("a.test"));
        Assert.AreEqual(TlsRequirement.Optional, withCert.TlsModeFor("unknown.test"));
        using var loaded = BridgeConfigReader.LoadCertificate(withCert.Tls);
        Assert.IsTrue(loaded.HasPrivateKey);
        Assert.AreEqual(1, BridgeConfigReader.LoadCaFile(withCert.Tls.CaFile!).Count);
    }

    [TestMethod]
    public void PerDomainModeAndPinsAreRead()
    {
        var (cert, key, _) = WritePem();
        var pin = new string('A', 64);
        var (config, errors) = Read(new()
        {
            ["Bridge:Tls:CertificateFile"] = cert,
            ["Bridge:Tls:KeyFile"] = key,
            ["Bridge:Domains:a.test:Tls"] = "Required",
            ["Bridge:Domains:a.test:TrustedFingerprints:0"] = string.Join(':', Enumerable.Repeat("AA", 32)),
            ["Bridge:Domains:a.test:TrustedFingerprints:1"] = pin,
        });
        Assert.IsNotNull(config, string.Join("\n", errors));
        Assert.AreEqual(TlsRequirement.Required, config.TlsModeFor("a.test"));
        CollectionAssert.AreEqual(new[] { new string('a', 64), new string('a', 64) }, config.FindDomain("a.test")!.Tls.TrustedFingerprints.ToArray());
    }

    [TestMethod]
    [DataRow("Bridge:Domains:a.test:Tls", "maybe", "Bridge:Domains:a.test:Tls: 'maybe'")]
    [DataRow("Bridge:Domains:a.test:TrustedFingerprints:0", "abc", "Bridge:Domains:a.test:TrustedFingerprints:0: 'abc'")]
    [DataRow("Bridge:Tls:CertificateFile", "/nonexistent/cert.pem", "Bridge:Tls:KeyFile: is required")]
    [DataRow("Bridge:Tls:CaFile", "/nonexistent/ca.pem", "Bridge:Tls:CaFile: '/nonexistent/ca.pem' cannot be read")]
    [DataRow("Bridge:Domains:a.test:Tls", "required", "Bridge:Domains:a.test:Tls: \"required\" needs Bridge:Tls:CertificateFile")]
    [DataRow("Bridge:Sip:Listen:1", "tls:127.0.0.2:5061", "Bridge:Sip:Listen: a tls: listener needs")]
    [DataRow("Bridge:Domains:b.test:Route", "sips:127.0.0.1:5061", "Bridge:Domains:b.test:Route: a sips:/transport=tls route needs a tls: entry")]
    public void AnInvalidValueFailsWithOneLineNamingTheKey(string key, string value, string expected)
    {
        var (config, errors) = Read(new() { [key] = value });
        Assert.IsNull(config);
        Assert.AreEqual(1, errors.Count, string.Join("\n", errors));
        StringAssert.StartsWith(errors[0], expected);
    }

    [TestMethod]
    public void AMismatchedKeyFailsNamingTheCertificateKey()
    {
        var (cert, _, _) = WritePem();
        var otherKey = Path.Combine(Path.GetDirectoryName(cert)!, "other.key");
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(otherKey, ec.ExportPkcs8PrivateKeyPem());
        var (config, errors) = Read(new() { ["Bridge:Tls:CertificateFile"] = cert, ["Bridge:Tls:KeyFile"] = otherKey });
        Assert.IsNull(config);
        Assert.AreEqual(1, errors.Count, string.Join("\n", errors));
        StringAssert.StartsWith(errors[0], "Bridge:Tls:CertificateFile:");
    }
}

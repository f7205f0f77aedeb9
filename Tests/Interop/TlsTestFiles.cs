using System.Security.Cryptography.X509Certificates;
using Bridge.Tests.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// PEM files made at test time into a run directory's certs/: the test CA, a.test (Prosody), b.test (the
/// bridge), and two bad bridge certificates: an expired b.test and a valid one for the wrong name; and Kamailio's (b.test).
/// </summary>
internal static class TlsTestFiles
{
    public static string CertsDirectory(string workDirectory) => Path.Combine(workDirectory, "certs");

    /// <summary>Bridge:Tls of a bridge config: present certs/NAME.crt with its key, trust the test CA.</summary>
    public static void UseCertificate(System.Text.Json.Nodes.JsonObject bridge, string workDirectory, string certificateName)
    {
        var certs = CertsDirectory(workDirectory);
        bridge["Tls"] = new System.Text.Json.Nodes.JsonObject
        {
            ["CertificateFile"] = Path.Combine(certs, certificateName + ".crt"),
            ["KeyFile"] = Path.Combine(certs, certificateName + ".key"),
            ["CaFile"] = Path.Combine(certs, "ca.pem"),
        };
    }

    public static void WriteAll(string workDirectory)
    {
        var dir = CertsDirectory(workDirectory);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ca.pem"), TestCertificates.Ca.ExportCertificatePem());
        Write(dir, "a.test", TestCertificates.Leaf("a.test", ["a.test"]));
        Write(dir, "b.test", TestCertificates.Leaf("b.test", ["b.test"]));
        Write(dir, "b.test-expired", TestCertificates.Leaf("b.test", ["b.test"], DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(-1)));
        Write(dir, "b.test-wrongname", TestCertificates.Leaf("wrong.test", ["wrong.test"]));
        // Kamailio is b.test's SIP server: RFC 5922 §7.1 URI-ID sip:b.test plus the DNS-ID.
        Write(dir, "kamailio", TestCertificates.Leaf("kamailio", ["b.test"], uri: "sip:b.test"));
    }

    private static void Write(string dir, string name, X509Certificate2 certificate)
    {
        using (certificate)
        {
            File.WriteAllText(Path.Combine(dir, name + ".crt"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, name + ".key"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }
    }
}

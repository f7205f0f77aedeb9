using System.Net;
using System.Text;
using System.Xml.Linq;
using Bridge.Net.Tls;
using Bridge.Tests.Net;
using Bridge.Xmpp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Xmpp;

/// <summary>The receiving side of SASL EXTERNAL (RFC 6120 §6, XEP-0178), driven by hand over STARTTLS.</summary>
[TestClass]
public sealed class SaslExternalTests
{
    private static readonly XNamespace Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
    private static readonly XNamespace Tls = "urn:ietf:params:xml:ns:xmpp-tls";

    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static async Task<XmppServer> StartBAsync(TlsMode mode)
    {
        var b = new XmppServer(
            new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, 0), "secret-b")
            {
                IsLocalDomain = d => d == "b.test",
                IsPeerAllowed = (l, r) => l == "b.test" && r == "a.test",
                TlsCertificate = TestCertificates.Leaf("b.test", ["b.test"]),
                TlsModeFor = _ => mode,
                CertificateValidator = new PeerCertificateValidator(TestCertificates.Roots, _ => [], TimeProvider.System),
            },
            new XmppResolver(_ => null, NullLogger<XmppResolver>.Instance),
            TimeProvider.System, NullLoggerFactory.Instance);
        await b.StartAsync(CancellationToken.None);
        return b;
    }

    private static string Auth(string? authzid) =>
        $"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>{(authzid is null ? "=" : Convert.ToBase64String(Encoding.UTF8.GetBytes(authzid)))}</auth>";

    [TestMethod]
    [DataRow(null)]
    [DataRow("a.test")]
    public async Task AValidCertificateSucceedsAndTheStreamRestarts(string? authzid)
    {
        await using var b = await StartBAsync(TlsMode.Optional);
        var ct = Guard();
        await using var client = await RawS2SClient.ConnectAsync(b.BoundEndPoint!, ct);
        var plain = await client.OpenForFeaturesAsync("a.test", "b.test", ct);
        Assert.IsNotNull(plain.Element(Tls + "starttls"));
        Assert.IsNull(plain.Element(Sasl + "mechanisms"), "no SASL before TLS");

        await client.StartTlsAsync(TestCertificates.Leaf("a.test", ["a.test"]), ct);
        var secured = await client.OpenForFeaturesAsync("a.test", "b.test", ct);
        Assert.AreEqual("EXTERNAL", secured.Element(Sasl + "mechanisms")?.Element(Sasl + "mechanism")?.Value, secured.ToString());
        await client.SendAsync(Auth(authzid), ct);

        Assert.AreEqual(Sasl + "success", (await client.NextElementAsync(ct)).Name);
        client.RestartStream();
        var restarted = await client.OpenForFeaturesAsync("a.test", "b.test", ct);
        Assert.IsNull(restarted.Element(Sasl + "mechanisms"), "authenticated: no second SASL");
    }

    [TestMethod]
    public async Task AnAuthzidForAnotherDomainIsInvalidAuthzid()
    {
        await using var b = await StartBAsync(TlsMode.Optional);
        var ct = Guard();
        await using var client = await RawS2SClient.ConnectAsync(b.BoundEndPoint!, ct);
        await client.OpenForFeaturesAsync("a.test", "b.test", ct);
        await client.StartTlsAsync(TestCertificates.Leaf("a.test", ["a.test"]), ct);
        await client.OpenForFeaturesAsync("a.test", "b.test", ct);

        await client.SendAsync(Auth("c.test"), ct);

        var failure = await client.NextElementAsync(ct);
        Assert.AreEqual(Sasl + "failure", failure.Name);
        Assert.IsNotNull(failure.Element(Sasl + "invalid-authzid"), failure.ToString());
    }

    [TestMethod]
    public async Task ACertificateForAnotherDomainIsNotAuthorized()
    {
        await using var b = await StartBAsync(TlsMode.Optional);
        var ct = Guard();
        await using var client = await RawS2SClient.ConnectAsync(b.BoundEndPoint!, ct);
        await client.OpenForFeaturesAsync("a.test", "b.test", ct);
        await client.StartTlsAsync(TestCertificates.Leaf("c.test", ["c.test"]), ct);
        var features = await client.OpenForFeaturesAsync("a.test", "b.test", ct);
        Assert.IsNull(features.Element(Sasl + "mechanisms"), "EXTERNAL is not offered for a certificate that does not name a.test");

        await client.SendAsync(Auth(null), ct);

        var failure = await client.NextElementAsync(ct);
        Assert.AreEqual(Sasl + "failure", failure.Name);
        Assert.IsNotNull(failure.Element(Sasl + "not-authorized"), failure.ToString());
    }

    [TestMethod]
    public async Task SaslWithoutTlsIsNotAuthorized()
    {
        await using var b = await StartBAsync(TlsMode.Optional);
        var ct = Guard();
        await using var client = await RawS2SClient.ConnectAsync(b.BoundEndPoint!, ct);
        await client.OpenForFeaturesAsync("a.test", "b.test", ct);

        await client.SendAsync(Auth(null), ct);

        var failure = await client.NextElementAsync(ct);
        Assert.IsNotNull(failure.Element(Sasl + "not-authorized"), failure.ToString());
    }

    [TestMethod]
    public async Task DialbackWithoutTlsIsAPolicyViolationWhenTlsIsRequired()
    {
        await using var b = await StartBAsync(TlsMode.Required);
        var ct = Guard();
        await using var client = await RawS2SClient.ConnectAsync(b.BoundEndPoint!, ct);
        var features = await client.OpenForFeaturesAsync("a.test", "b.test", ct);
        Assert.IsNotNull(features.Element(Tls + "starttls")?.Element(Tls + "required"), features.ToString());
        Assert.IsNull(features.Element(XName.Get("dialback", "urn:xmpp:features:dialback")), "only STARTTLS while it is mandatory (RFC 6120 §5.3.1)");

        await client.SendAsync("<db:result from='a.test' to='b.test'>abcdef</db:result>", ct);

        Assert.AreEqual("policy-violation", await client.ReadStreamErrorAsync(ct));
    }
}

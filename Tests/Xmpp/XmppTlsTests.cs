using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Bridge.Net.Tls;
using Bridge.Tests.Net;
using Bridge.Xmpp;

namespace Bridge.Tests.Xmpp;

/// <summary>STARTTLS (RFC 6120 §5), SASL EXTERNAL (XEP-0178) and the Tls modes between two real servers on loopback.</summary>
[TestClass]
public sealed class XmppTlsTests
{
    private static readonly XNamespace S = "jabber:server";

    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    /// <param name="Pins">SHA-256 fingerprints this side demands of its peer; then the peer must authenticate by certificate.</param>
    private sealed record Side(X509Certificate2? Certificate, TlsMode Mode, IReadOnlyCollection<string>? Pins = null);

    private sealed class Pair : IAsyncDisposable
    {
        public required XmppServer A { get; init; }
        public required XmppServer B { get; init; }
        public required LogCollector LogA { get; init; }
        public required LogCollector LogB { get; init; }
        public TaskCompletionSource<XElement> FirstAtB { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }

    private static X509Certificate2 CertFor(string domain) => TestCertificates.Leaf(domain, [domain]);

    private static async Task<Pair> StartAsync(Side a, Side b)
    {
        XmppServer? sb = null;
        var logA = new LogCollector();
        var logB = new LogCollector();
        PeerCertificateValidator Validator(Side side) => new(TestCertificates.Roots, _ => side.Pins ?? [], TimeProvider.System);
        var sa = new XmppServer(
            new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, 0), "secret-a")
            {
                IsLocalDomain = d => d == "a.test",
                IsPeerAllowed = (l, r) => l == "a.test" && r == "b.test",
                TlsCertificate = a.Certificate,
                TlsModeFor = _ => a.Mode,
                CertificateValidator = Validator(a),
                RequiresCertificate = _ => a.Pins is not null,
                ConnectTimeout = TimeSpan.FromSeconds(5),
            },
            new XmppResolver(d => d == "b.test" ? ("127.0.0.1", sb!.BoundEndPoint!.Port) : null, Microsoft.Extensions.Logging.Abstractions.NullLogger<XmppResolver>.Instance),
            TimeProvider.System, logA);
        sb = new XmppServer(
            new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, 0), "secret-b")
            {
                IsLocalDomain = d => d == "b.test",
                IsPeerAllowed = (l, r) => l == "b.test" && r == "a.test",
                TlsCertificate = b.Certificate,
                TlsModeFor = _ => b.Mode,
                CertificateValidator = Validator(b),
                RequiresCertificate = _ => b.Pins is not null,
                ConnectTimeout = TimeSpan.FromSeconds(5),
            },
            new XmppResolver(d => d == "a.test" ? ("127.0.0.1", sa.BoundEndPoint!.Port) : null, Microsoft.Extensions.Logging.Abstractions.NullLogger<XmppResolver>.Instance),
            TimeProvider.System, logB);
        var pair = new Pair { A = sa, B = sb, LogA = logA, LogB = logB };
        sb.StanzaHandler = s =>
        {
            pair.FirstAtB.TrySetResult(s);
            return Task.CompletedTask;
        };
        await sa.StartAsync(CancellationToken.None);
        await sb.StartAsync(CancellationToken.None);
        return pair;
    }

    private static XElement Message(string body) =>
        new(S + "message", new XAttribute("from", "alice@a.test/phone"), new XAttribute("to", "bob@b.test"), new XAttribute("id", "m1"),
            new XAttribute("type", "chat"), new XElement(S + "body", body));

    [TestMethod]
    public async Task ValidCertificatesNegotiateStartTlsThenSaslExternal()
    {
        await using var pair = await StartAsync(new(CertFor("a.test"), TlsMode.Required), new(CertFor("b.test"), TlsMode.Required));
        var ct = Guard();

        var sent = await pair.A.SendAsync(Message("over tls"), ct);
        var received = await pair.FirstAtB.Task.WaitAsync(ct);

        Assert.AreEqual(XmppSendResult.Sent, sent);
        Assert.AreEqual("over tls", received.Element(S + "body")?.Value);
        Assert.IsTrue(pair.LogA.Any("a.test -> b.test authenticated (SASL EXTERNAL, TLS)"), string.Join("\n", pair.LogA.Lines));
        Assert.IsTrue(pair.LogB.Any("authenticated (SASL EXTERNAL, TLS)"), string.Join("\n", pair.LogB.Lines));
    }

    [TestMethod]
    public async Task AWrongNameCertificateFallsBackToDialbackOverTls()
    {
        await using var pair = await StartAsync(new(CertFor("c.test"), TlsMode.Optional), new(CertFor("b.test"), TlsMode.Optional));
        var ct = Guard();

        var sent = await pair.A.SendAsync(Message("dialback"), ct);
        await pair.FirstAtB.Task.WaitAsync(ct);

        Assert.AreEqual(XmppSendResult.Sent, sent);
        Assert.IsTrue(pair.LogB.Any("does not name a.test"), string.Join("\n", pair.LogB.Lines));
        Assert.IsTrue(pair.LogA.Any("a.test -> b.test authenticated (dialback, TLS)"), string.Join("\n", pair.LogA.Lines));
        Assert.IsFalse(pair.LogB.Any("SASL EXTERNAL, TLS"));
    }

    [TestMethod]
    public async Task AnExpiredCertificateIsNotUsedForSaslExternal()
    {
        var expired = TestCertificates.Leaf("a.test", ["a.test"], DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        await using var pair = await StartAsync(new(expired, TlsMode.Optional), new(CertFor("b.test"), TlsMode.Optional));
        var ct = Guard();

        Assert.AreEqual(XmppSendResult.Sent, await pair.A.SendAsync(Message("dialback"), ct));
        Assert.IsTrue(pair.LogB.Any("is not valid now"), string.Join("\n", pair.LogB.Lines));
        Assert.IsTrue(pair.LogA.Any("authenticated (dialback, TLS)"));
    }

    [TestMethod]
    public async Task RequiredTlsTowardsAPeerThatOffersNoneFailsTheStanza()
    {
        // B has no certificate, so it cannot offer STARTTLS; A insists.
        await using var pair = await StartAsync(new(CertFor("a.test"), TlsMode.Required), new(null, TlsMode.Off));
        var ct = Guard();

        var result = await pair.A.SendAsync(Message("never"), ct);

        Assert.AreEqual(XmppSendStatus.Failed, result.Status);
        StringAssert.Contains(result.Text, "TLS is required");
        Assert.IsTrue(pair.LogA.Any("Tls is required for b.test"), string.Join("\n", pair.LogA.Lines));
        Assert.IsFalse(pair.FirstAtB.Task.IsCompleted);
    }

    [TestMethod]
    public async Task APeerThatRequiresTlsRefusesOneThatHasItOff()
    {
        // B requires TLS; A will not use it: B says policy-violation, A's stanza fails.
        await using var pair = await StartAsync(new(null, TlsMode.Off), new(CertFor("b.test"), TlsMode.Required));
        var ct = Guard();

        var result = await pair.A.SendAsync(Message("never"), ct);

        Assert.AreEqual(XmppSendStatus.Failed, result.Status);
        Assert.IsTrue(pair.LogA.Any("requires TLS but Tls is off"), string.Join("\n", pair.LogA.Lines));
        Assert.IsFalse(pair.FirstAtB.Task.IsCompleted);
    }

    [TestMethod]
    public async Task WithoutCertificatesOptionalMeansPlainDialback()
    {
        await using var pair = await StartAsync(new(null, TlsMode.Optional), new(null, TlsMode.Optional));
        var ct = Guard();

        Assert.AreEqual(XmppSendResult.Sent, await pair.A.SendAsync(Message("plain"), ct));
        Assert.IsTrue(pair.LogA.Any("a.test -> b.test authenticated (dialback)"), string.Join("\n", pair.LogA.Lines));
    }

    [TestMethod]
    public async Task APinnedPeerWithThatCertificateAuthenticates()
    {
        var bCert = CertFor("b.test");
        var pin = Convert.ToHexString(bCert.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
        await using var pair = await StartAsync(new(CertFor("a.test"), TlsMode.Optional, [pin]), new(bCert, TlsMode.Optional));
        var ct = Guard();

        Assert.AreEqual(XmppSendResult.Sent, await pair.A.SendAsync(Message("pinned"), ct));
        Assert.IsTrue(pair.LogA.Any("peer certificate valid: pinned fingerprint"), string.Join("\n", pair.LogA.Lines));
    }

    [TestMethod]
    public async Task APinnedPeerWithAnotherCertificateIsRefusedOutbound()
    {
        await using var pair = await StartAsync(new(CertFor("a.test"), TlsMode.Optional, [new string('0', 64)]), new(CertFor("b.test"), TlsMode.Optional));
        var ct = Guard();

        var result = await pair.A.SendAsync(Message("never"), ct);

        Assert.AreEqual(XmppSendStatus.Failed, result.Status);
        Assert.IsTrue(pair.LogA.Any("b.test must authenticate with its certificate"), string.Join("\n", pair.LogA.Lines));
        Assert.IsFalse(pair.FirstAtB.Task.IsCompleted);
    }

    [TestMethod]
    public async Task APinnedPeerGetsNoDialbackFallbackInbound()
    {
        // A's certificate is valid by the CA, but B pins another one for a.test: no EXTERNAL, and no dialback.
        await using var pair = await StartAsync(new(CertFor("a.test"), TlsMode.Optional), new(CertFor("b.test"), TlsMode.Optional, [new string('0', 64)]));
        var ct = Guard();

        var result = await pair.A.SendAsync(Message("never"), ct);

        Assert.AreEqual(XmppSendStatus.Failed, result.Status);
        Assert.IsTrue(pair.LogB.Any("dialback for a.test refused: it must authenticate with its certificate"), string.Join("\n", pair.LogB.Lines));
        Assert.IsFalse(pair.FirstAtB.Task.IsCompleted);
    }
}

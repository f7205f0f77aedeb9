using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Bridge.Net.Tls;
using Bridge.Sip;
using Bridge.Tests.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Sip;

/// <summary>Two stacks over mutual TLS on loopback (RFC 3261 §26.3.1, RFC 5922 §7.1).</summary>
[TestClass]
public sealed class SipTlsLoopbackTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>A stack for <paramref name="domain"/> that accepts peers whose certificate names one of <paramref name="peers"/>.</summary>
    private static async Task<SipStack> StartAsync(X509Certificate2 certificate, params string[] peers)
    {
        var validator = new PeerCertificateValidator(TestCertificates.Roots, _ => [], TimeProvider.System);
        var options = new SipStackOptions([new SipEndPoint(SipTransport.Tls, new IPEndPoint(IPAddress.Loopback, 0))], new SipParserLimits())
        {
            TlsCertificate = certificate,
            TlsPeerDomains = cert => [.. peers.Where(p => validator.Check(cert, p, PeerIdentityKind.SipDomain).IsValid)],
            // With TLS 1.3 the client's handshake ends before the server judges the client certificate, so a
            // refused client learns it only by transaction timeout (Timer F = 64*T1): keep that short here.
            T1 = TimeSpan.FromMilliseconds(50),
        };
        var stack = new SipStack(options, TimeProvider.System, NullLogger<SipStack>.Instance);
        await stack.StartAsync(CancellationToken.None);
        return stack;
    }

    private static SipRequest NewMessage(string text)
    {
        var request = new SipRequest("MESSAGE", "sips:bob@b.test");
        request.Headers.Add("From", $"<sip:alice@a.test>;tag={SipStack.NewTag()}");
        request.Headers.Add("To", "<sip:bob@b.test>");
        request.Headers.Add("Call-ID", SipStack.NewCallId("a.test"));
        request.Headers.Add("CSeq", "1 MESSAGE");
        request.Headers.Add("Content-Type", "text/plain");
        request.Body = Encoding.UTF8.GetBytes(text);
        return request;
    }

    [TestMethod]
    public async Task MutualTlsCarriesTheMessageAndTheAuthenticatedDomain()
    {
        await using var alice = await StartAsync(TestCertificates.Leaf("a.test", ["a.test"]), "b.test");
        await using var bob = await StartAsync(TestCertificates.Leaf("b.test", [], uri: "sip:b.test"), "a.test");
        var received = new TaskCompletionSource<SipServerTransaction>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.RequestHandler = async tx =>
        {
            received.TrySetResult(tx);
            await tx.SendResponseAsync(bob.CreateResponse(tx.Request, 200));
        };
        using var cts = new CancellationTokenSource(Limit);

        var response = await alice.SendRequestAsync(NewMessage("secret"), bob.BoundEndPoints.Single(), cts.Token);

        Assert.AreEqual(200, response.StatusCode);
        var tx = await received.Task.WaitAsync(cts.Token);
        Assert.AreEqual(SipTransport.Tls, tx.Remote.Transport);
        Assert.AreEqual("TLS", tx.Request.TopVia!.Transport);
        CollectionAssert.AreEqual(new[] { "a.test" }, tx.TlsDomains.ToArray());
        Assert.AreEqual("secret", Encoding.UTF8.GetString(tx.Request.Body.Span));
    }

    [TestMethod]
    public async Task AServerWhoseCertificateNamesNoPeerDomainIsRefused()
    {
        await using var alice = await StartAsync(TestCertificates.Leaf("a.test", ["a.test"]), "b.test");
        await using var mallory = await StartAsync(TestCertificates.Leaf("c.test", ["c.test"]), "a.test");
        var reached = false;
        mallory.RequestHandler = tx =>
        {
            reached = true;
            return tx.SendResponseAsync(mallory.CreateResponse(tx.Request, 200));
        };
        using var cts = new CancellationTokenSource(Limit);

        var response = await alice.SendRequestAsync(NewMessage("not for you"), mallory.BoundEndPoints.Single(), cts.Token);

        Assert.AreNotEqual(200, response.StatusCode, "a transport error, never a 200 from the wrong peer");
        Assert.IsFalse(reached);
    }

    [TestMethod]
    public async Task AClientWithAnExpiredCertificateIsRefused()
    {
        var expired = TestCertificates.Leaf("a.test", ["a.test"], DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        await using var alice = await StartAsync(expired, "b.test");
        await using var bob = await StartAsync(TestCertificates.Leaf("b.test", ["b.test"]), "a.test");
        var reached = false;
        bob.RequestHandler = tx =>
        {
            reached = true;
            return tx.SendResponseAsync(bob.CreateResponse(tx.Request, 200));
        };
        using var cts = new CancellationTokenSource(Limit);

        var response = await alice.SendRequestAsync(NewMessage("expired"), bob.BoundEndPoints.Single(), cts.Token);

        Assert.AreNotEqual(200, response.StatusCode);
        Assert.IsFalse(reached);
    }
}

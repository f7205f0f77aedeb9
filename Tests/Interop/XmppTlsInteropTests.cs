using System.Net;
using System.Text.Json.Nodes;

namespace Bridge.Tests.Interop;

/// <summary>
/// Prosody with s2s_require_encryption and s2s_secure_auth against the bridge: messages both ways over
/// STARTTLS with SASL EXTERNAL, and a bridge with an expired or wrongly named certificate refused by Prosody.
/// One Prosody and Kamailio for the class (the TLS Prosody template); a bridge per test, with its own certificate.
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class XmppTlsInteropTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);

    // Prosody only: each test starts a bridge with the certificate it is about.
    private static readonly InteropFixture s_run = new(async () =>
    {
        var dir = InteropEnvironment.CreateRunDirectory("xmpp-tls");
        TlsTestFiles.WriteAll(dir);
        return (await PeerServers.StartAsync(dir, prosodyTemplate: "prosody-tls.cfg.lua", prosodyValues: new Dictionary<string, string> { ["S2S_SECURE_AUTH"] = "true" }), null);
    });

    public TestContext TestContext { get; set; } = null!;

    private static PeerServers Peers => s_run.Peers;

    private static string LogDirectory => s_run.LogDirectory;

    [TestInitialize]
    public Task EnsureServers() => s_run.EnsureStartedAsync();

    [ClassCleanup]
    public static Task StopServers() => s_run.StopAsync();

    /// <summary>A bridge presenting certs/NAME.crt, trusting the test CA, with Tls required for a.test.</summary>
    private async Task<BridgeProcess> StartBridgeAsync(string certificateName)
    {
        var dir = Path.Combine(Peers.WorkDirectory, TestContext.TestName! + "-" + certificateName);
        Directory.CreateDirectory(dir);
        var path = await BridgeProcess.WriteConfigAsync(dir, bridge =>
        {
            TlsTestFiles.UseCertificate(bridge, Peers.WorkDirectory, certificateName);
            bridge["Domains"]!["a.test"]!["Tls"] = "required";
        });
        return await BridgeProcess.StartAsync(path, Path.Combine(dir, "bridge.log"));
    }

    [TestMethod]
    public async Task AliceToBobTravelsOverTlsAuthenticatedBySaslExternal()
    {
        await using var bridge = await StartBridgeAsync("b.test");
        var sip = new SipTestClient(LogDirectory);
        await using var bob = await sip.StartRegisteredBobAsync();
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        var body = Unique("over TLS to bob");

        await alice.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, body, Id: "tls-a2b"));

        var got = await bob.WaitForMessageAsync(m => m.Body == body, DeliveryTimeout);
        Assert.IsNotNull(got, Diagnostics(bridge, bob.Diagnostics(), alice.Diagnostics()));
        Assert.IsTrue(await LogShowsAsync(bridge, "a.test -> b.test authenticated (SASL EXTERNAL, TLS)"), Diagnostics(bridge));
    }

    [TestMethod]
    public async Task BobToAliceTravelsOverTlsAuthenticatedBySaslExternal()
    {
        await using var bridge = await StartBridgeAsync("b.test");
        var sip = new SipTestClient(LogDirectory);
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        var body = Unique("over TLS to alice");

        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, body,
            AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));

        Assert.AreEqual(200, sent.FinalStatus, Diagnostics(bridge, sent.ToString()));
        var got = await alice.WaitForAsync(e => e.Kind == XmppEvent.Message && e.Body == body, DeliveryTimeout);
        Assert.IsNotNull(got, Diagnostics(bridge, alice.Diagnostics()));
        Assert.IsTrue(await LogShowsAsync(bridge, "b.test -> a.test authenticated (SASL EXTERNAL, TLS)"), Diagnostics(bridge));
    }

    [TestMethod]
    [DataRow("b.test-expired")]
    [DataRow("b.test-wrongname")]
    public async Task ABadBridgeCertificateIsRefusedAndTheMessageComesBack(string certificate)
    {
        await using var bridge = await StartBridgeAsync(certificate);
        var sip = new SipTestClient(LogDirectory);
        await using var bob = await sip.StartRegisteredBobAsync();
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        var body = Unique("must not pass");

        await alice.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, body, Id: "tls-bad"));

        var error = await alice.WaitForAsync(e => e.Kind == XmppEvent.Error && e.Id == "tls-bad", TimeSpan.FromSeconds(45));
        Assert.IsNotNull(error, Diagnostics(bridge, alice.Diagnostics()));
        Assert.IsEmpty(bob.ReceivedMessages().Where(m => m.Body == body).ToList(), bob.Diagnostics());
        // Prosody says why on the stream it closes (not-authorized: "Your server's certificate has expired" or
        // "... is not valid for this name"); the bridge logs that line.
        Assert.IsTrue(await LogShowsAsync(bridge, "stream error not-authorized: Your server's certificate"), Diagnostics(bridge));
    }

    /// <summary>The bridge's log is written asynchronously: poll it briefly.</summary>
    private static async Task<bool> LogShowsAsync(BridgeProcess bridge, string fragment)
    {
        for (var i = 0; i < 50; i++)
        {
            if (bridge.Tail(300).Contains(fragment, StringComparison.Ordinal))
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }


    private static string Unique(string text) => $"{text} [{Guid.NewGuid().ToString("N")[..8]}]";

    private static string Diagnostics(BridgeProcess bridge, params string[] parts) =>
        string.Join('\n', parts) + "\n--- bridge ---\n" + bridge.Tail(200) + "\n" + Peers.Diagnostics();
}

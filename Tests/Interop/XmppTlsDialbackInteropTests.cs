namespace Bridge.Tests.Interop;

/// <summary>
/// Prosody with s2s_require_encryption but without s2s_secure_auth: a bridge whose certificate names another
/// domain is not offered SASL EXTERNAL, and authenticates with dialback over TLS instead (XEP-0220 over RFC 6120 §5).
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class XmppTlsDialbackInteropTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);

    // A bridge whose certificate names another domain, requiring TLS towards a.test.
    private static readonly InteropFixture s_run = new(async () =>
    {
        var dir = InteropEnvironment.CreateRunDirectory("xmpp-tls-dialback");
        TlsTestFiles.WriteAll(dir);
        var peers = await PeerServers.StartAsync(dir, prosodyTemplate: "prosody-tls.cfg.lua", prosodyValues: new Dictionary<string, string> { ["S2S_SECURE_AUTH"] = "false" });
        return await InteropFixture.WithBridgeAsync(peers, bridge =>
        {
            TlsTestFiles.UseCertificate(bridge, dir, "b.test-wrongname");
            bridge["Domains"]!["a.test"]!["Tls"] = "required";
        });
    });

    private static PeerServers Peers => s_run.Peers;

    private static BridgeProcess Bridge => s_run.Bridge!;

    private static string LogDirectory => s_run.LogDirectory;

    [TestInitialize]
    public Task EnsureServers() => s_run.EnsureStartedAsync();

    [ClassCleanup]
    public static Task StopServers() => s_run.StopAsync();

    [TestMethod]
    public async Task BobToAliceFallsBackToDialbackOverTls()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        var body = $"dialback over TLS [{Guid.NewGuid().ToString("N")[..8]}]";

        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, body,
            AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));

        Assert.AreEqual(200, sent.FinalStatus, Diagnostics(sent.ToString()));
        var got = await alice.WaitForAsync(e => e.Kind == XmppEvent.Message && e.Body == body, DeliveryTimeout);
        Assert.IsNotNull(got, Diagnostics(alice.Diagnostics()));
        var shown = false;
        for (var i = 0; i < 50 && !shown; i++)
        {
            shown = Bridge.Tail(300).Contains("b.test -> a.test authenticated (dialback, TLS)", StringComparison.Ordinal);
            await Task.Delay(shown ? 0 : 100);
        }
        Assert.IsTrue(shown, Diagnostics());
    }

    private static string Diagnostics(params string[] parts) => s_run.Diagnostics(parts);
}

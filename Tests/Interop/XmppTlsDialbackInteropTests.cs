using System.Text.Json.Nodes;

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

    private static PeerServers? s_peers;
    private static BridgeProcess? s_bridge;
    private static Exception? s_setupError;

    private static PeerServers Peers => s_peers!;

    private static BridgeProcess Bridge => s_bridge!;

    private static string LogDirectory => Path.Combine(Peers.WorkDirectory, "clients");

    [TestInitialize]
    public async Task EnsureServers()
    {
        InteropEnvironment.RequirePeers();
        if (s_setupError is null && s_peers is null)
        {
            try
            {
                var dir = InteropEnvironment.CreateRunDirectory("xmpp-tls-dialback");
                TlsTestFiles.WriteAll(dir);
                s_peers = await PeerServers.StartAsync(dir, prosodyTemplate: "prosody-tls.cfg.lua", prosodyValues: new Dictionary<string, string> { ["S2S_SECURE_AUTH"] = "false" });
                Directory.CreateDirectory(LogDirectory);
                var path = await BridgeProcess.WriteConfigAsync(dir);
                var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
                var certs = TlsTestFiles.CertsDirectory(dir);
                json["Bridge"]!["Tls"] = new JsonObject
                {
                    ["CertificateFile"] = Path.Combine(certs, "b.test-wrongname.crt"),
                    ["KeyFile"] = Path.Combine(certs, "b.test-wrongname.key"),
                    ["CaFile"] = Path.Combine(certs, "ca.pem"),
                };
                json["Bridge"]!["Domains"]!["a.test"]!["Tls"] = "required";
                await File.WriteAllTextAsync(path, json.ToJsonString());
                s_bridge = await BridgeProcess.StartAsync(path, Path.Combine(dir, "bridge.log"));
            }
            catch (Exception ex) when (ex is InteropSetupException or IOException)
            {
                s_setupError = ex;
            }
        }
        if (s_setupError is not null)
        {
            throw new InteropSetupException("interop servers or bridge did not start (inner exception has the cause and log tail)", s_setupError);
        }
    }

    [ClassCleanup]
    public static async Task StopServers()
    {
        if (s_bridge is not null)
        {
            await s_bridge.DisposeAsync();
            s_bridge = null;
        }
        if (s_peers is not null)
        {
            await s_peers.DisposeAsync();
            s_peers = null;
        }
    }

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

    private static string Diagnostics(params string[] parts) =>
        string.Join('\n', parts) + "\n--- bridge ---\n" + Bridge.Tail(200) + "\n" + Peers.Diagnostics();
}

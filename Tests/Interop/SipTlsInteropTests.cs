using System.Net;
using System.Text.Json.Nodes;

namespace Bridge.Tests.Interop;

/// <summary>
/// Kamailio (b.test) and the bridge over mutual TLS: Kamailio relays bob's UDP MESSAGE (sipp has no TLS) to
/// the bridge's tls: listener and the bridge reaches Kamailio through a sips: route. b.test's Tls is
/// "required", so its TrustedAddresses no longer let plain UDP in. Plain Prosody; Kamailio with -A WITH_TLS.
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class SipTlsInteropTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);

    private static readonly InteropFixture s_run = new(async () =>
    {
        var dir = InteropEnvironment.CreateRunDirectory("sip-tls");
        TlsTestFiles.WriteAll(dir);
        var peers = await PeerServers.StartAsync(dir, kamailioTls: true);
        return await InteropFixture.WithBridgeAsync(peers, bridge =>
        {
            TlsTestFiles.UseCertificate(bridge, dir, "b.test");
            bridge["Sip"]!["Listen"]!.AsArray().Add("tls:127.0.0.2:5061");
            bridge["Domains"]!["b.test"]!["Route"] = "sips:127.0.0.1:5061";
            bridge["Domains"]!["b.test"]!["Tls"] = "required";
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
    public async Task BobToAliceReachesTheBridgeOverMutualTls()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        var body = Unique("via Kamailio over TLS");

        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, body,
            AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));

        Assert.AreEqual(200, sent.FinalStatus, Diagnostics(sent.ToString()));
        var got = await alice.WaitForAsync(e => e.Kind == XmppEvent.Message && e.Body == body, DeliveryTimeout);
        Assert.IsNotNull(got, Diagnostics(alice.Diagnostics()));
        Assert.IsTrue(await LogShowsAsync("authenticated as b.test"), Diagnostics());
    }

    [TestMethod]
    public async Task AliceToBobLeavesTheBridgeThroughTheSipsRoute()
    {
        var sip = new SipTestClient(LogDirectory);
        var uas = await sip.StartUasAsync(IPAddress.Loopback);
        await using var bob = uas;
        var registered = await sip.RegisterAsync(TestAccounts.Bob, TestAccounts.BobPassword, uas.EndPoint.Port);
        Assert.AreEqual(200, registered.FinalStatus, registered.ToString());
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        var body = Unique("from alice over sips");

        await alice.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, body, Id: "sips-1"));

        var got = await bob.WaitForMessageAsync(m => m.Body == body, DeliveryTimeout);
        Assert.IsNotNull(got, Diagnostics(bob.Diagnostics(), alice.Diagnostics()));
        Assert.IsNull(alice.Events.FirstOrDefault(e => e.Kind == XmppEvent.Error), alice.Diagnostics());
        StringAssert.Contains(got.ToString(), "Via: SIP/2.0/TLS 127.0.0.2:5061", "the bridge's hop to Kamailio is TLS");
    }

    [TestMethod]
    public async Task PlainUdpFromTheOnceTrustedAddressIsRefused()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        var body = Unique("plain udp");

        // 127.0.0.1 is in b.test's TrustedAddresses, but b.test's Tls is "required".
        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, body)
        {
            Target = BridgeProcess.SipEndPoint,
            LocalAddress = IPAddress.Loopback,
        });

        Assert.AreEqual(403, sent.FinalStatus, Diagnostics(sent.ToString()));
        Assert.IsNull(await alice.WaitForAsync(e => e.Body == body, TimeSpan.FromSeconds(2)), alice.Diagnostics());
    }

    private static async Task<bool> LogShowsAsync(string fragment)
    {
        for (var i = 0; i < 50; i++)
        {
            if (Bridge.Tail(300).Contains(fragment, StringComparison.Ordinal))
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }

    private static string Unique(string text) => $"{text} [{Guid.NewGuid().ToString("N")[..8]}]";

    private static string Diagnostics(params string[] parts) => s_run.Diagnostics(parts);
}

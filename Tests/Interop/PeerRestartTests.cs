using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// A peer server restarting under the bridge (S2S mode): Prosody or Kamailio is stopped by PID and started
/// again, and messages cross both ways afterwards without touching the bridge. The bridge's old streams die with Prosody;
/// the next stanza opens and dialback-verifies a new one (the component-mode restart is in ComponentModeTests).
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class PeerRestartTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);

    private PeerServers? _peers;
    private BridgeProcess? _bridge;

    [TestInitialize]
    public async Task Start()
    {
        InteropEnvironment.RequirePeers();
        _peers = await PeerServers.StartAsync(InteropEnvironment.CreateRunDirectory("restart"));
        Directory.CreateDirectory(LogDirectory);
        var config = await BridgeProcess.WriteConfigAsync(_peers.WorkDirectory);
        _bridge = await BridgeProcess.StartAsync(config, Path.Combine(_peers.WorkDirectory, "bridge.log"));
    }

    [TestCleanup]
    public async Task Stop()
    {
        if (_bridge is not null)
        {
            await _bridge.DisposeAsync();
        }
        if (_peers is not null)
        {
            await _peers.DisposeAsync();
        }
    }

    private string LogDirectory => Path.Combine(_peers!.WorkDirectory, "clients");

    [TestMethod]
    public async Task MessagesCrossBothWaysAfterProsodyRestarts()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var bob = await sip.StartRegisteredBobAsync();

        // Before: both S2S directions in use.
        await using (var before = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory))
        {
            await ExchangeAsync(sip, bob, before, "before");
        }

        await _peers!.StopProsodyAsync();
        await _peers.StartProsodyAgainAsync();

        await using var after = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        await ExchangeAsync(sip, bob, after, "after the restart");
    }

    // Kamailio restarted: registrations are in memory (usrloc db_mode 0), so bob registers again as any UA
    // would after its registrar restarts; the bridge itself needs nothing (UDP route, no connection to rebuild).
    [TestMethod]
    public async Task MessagesCrossBothWaysAfterKamailioRestarts()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        await using var bob = await sip.StartRegisteredBobAsync();
        await ExchangeAsync(sip, bob, alice, "before");

        await _peers!.StopKamailioAsync();
        await _peers.StartKamailioAgainAsync();
        Assert.AreEqual(200, (await sip.RegisterAsync(TestAccounts.Bob, TestAccounts.BobPassword, bob.EndPoint.Port)).FinalStatus);

        await ExchangeAsync(sip, bob, alice, "after the restart");
    }

    private async Task ExchangeAsync(SipTestClient sip, SipUas bob, XmppTestClient alice, string when)
    {
        var toAlice = $"bob to alice {when} [{Guid.NewGuid().ToString("N")[..6]}]";
        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, toAlice,
            AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));
        Assert.AreEqual(200, sent.FinalStatus, Diagnostics($"bob's MESSAGE {when}", sent.ToString()));
        Assert.IsNotNull(await alice.WaitForAsync(e => e.Kind == XmppEvent.Message && e.Body == toAlice, DeliveryTimeout),
            Diagnostics($"bob's message {when} never reached alice", alice.Diagnostics()));

        var toBob = $"alice to bob {when} [{Guid.NewGuid().ToString("N")[..6]}]";
        await alice.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, toBob));
        Assert.IsNotNull(await bob.WaitForMessageAsync(m => m.Body == toBob, DeliveryTimeout),
            Diagnostics($"alice's message {when} never reached bob", bob.Diagnostics(), alice.Diagnostics()));
    }

    private string Diagnostics(params string[] parts) =>
        string.Join('\n', parts) + "\n--- bridge ---\n" + _bridge!.Tail() + "\n" + _peers!.Diagnostics();
}

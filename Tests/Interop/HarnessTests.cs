using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// Self-checks of the interop harness against the real peers, without the bridge: the
/// servers start and stop, the clients log in and register, Kamailio routes as the page-mode
/// tests assume, and XMPP errors reach the python client.
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class HarnessTests
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    private PeerServers? _peers;

    public TestContext TestContext { get; set; } = null!;

    private PeerServers Peers => _peers ?? throw new InvalidOperationException("peers not started");

    private string LogDirectory => Path.Combine(Peers.WorkDirectory, "clients");

    [TestInitialize]
    public async Task StartPeers()
    {
        InteropEnvironment.RequirePeers();
        _peers = await PeerServers.StartAsync();
        Directory.CreateDirectory(LogDirectory);
        TestContext.WriteLine(_peers.ToString());
    }

    [TestCleanup]
    public async Task StopPeers()
    {
        if (_peers is not null)
        {
            await _peers.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task PeersListenOnTheirAddressesAndStopByPid()
    {
        var peers = Peers;
        Assert.IsTrue(await TcpProbe.AcceptsAsync(PeerServers.XmppClientEndPoint), "prosody c2s");
        Assert.IsTrue(await TcpProbe.AcceptsAsync(PeerServers.XmppServerEndPoint), "prosody s2s");
        Assert.IsTrue(await TcpProbe.AcceptsAsync(PeerServers.SipEndPoint), "kamailio tcp");
        Assert.IsTrue(TcpProbe.UdpPortInUse(IPAddress.Loopback, 5060), "kamailio udp");
        // Explicit binds: the bridge's address stays free for the bridge.
        Assert.IsFalse(await TcpProbe.AcceptsAsync(BridgeProcess.XmppEndPoint), "nothing may hold 127.0.0.2:5269");
        Assert.IsFalse(TcpProbe.UdpPortInUse(PeerServers.BridgeAddress, 5060), "nothing may hold 127.0.0.2:5060/udp");
        var pids = new[] { peers.ProsodyPid!.Value, peers.KamailioPid!.Value };

        await peers.StopAsync();

        foreach (var pid in pids)
        {
            Assert.IsFalse(Directory.Exists($"/proc/{pid}"), $"pid {pid} still running after stop");
        }
        Assert.IsFalse(await TcpProbe.AcceptsAsync(PeerServers.XmppClientEndPoint), "prosody c2s after stop");
        Assert.IsFalse(await TcpProbe.AcceptsAsync(PeerServers.SipEndPoint), "kamailio tcp after stop");
        Assert.IsFalse(TcpProbe.UdpPortInUse(IPAddress.Loopback, 5060), "kamailio udp after stop (workers left behind?)");
    }

    [TestMethod]
    public void HostsFileMapsTheTestDomains()
    {
        var hosts = File.ReadAllLines(HostsFile.DefaultPath);
        foreach (var (address, host) in HostsFile.TestEntries)
        {
            Assert.AreEqual(1, hosts.Count(l => l.Trim() == $"{address} {host}"), $"{address} {host} in /etc/hosts exactly once");
        }
        var resolved = Dns.GetHostAddresses("b.test");
        CollectionAssert.Contains(resolved, PeerServers.BridgeAddress);
    }

    [TestMethod]
    public async Task AliceLogsInToProsody()
    {
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);

        StringAssert.StartsWith(alice.Jid, TestAccounts.AliceJid + "/");
    }

    [TestMethod]
    public async Task XmppClientReportsEveryFieldOfAReceivedMessage()
    {
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        var body = "note to self " + Guid.NewGuid().ToString("N")[..8];

        await alice.SendAsync(new XmppOutgoingMessage(alice.Jid, body, Subject: "Sujet", Lang: "fr", Thread: "t-1"));

        var got = await alice.WaitForAsync(e => e.Kind == XmppEvent.Message && e.Body == body, EventTimeout);
        Assert.IsNotNull(got, alice.Diagnostics());
        Assert.IsTrue(got.IsFrom(TestAccounts.AliceJid), got.Raw);
        Assert.AreEqual("Sujet", got.Subject, got.Raw);
        Assert.AreEqual("fr", got.Lang, got.Raw);
        Assert.AreEqual("t-1", got.Thread, got.Raw);
        Assert.AreEqual("normal", got.Type, got.Raw);
    }

    [TestMethod]
    public async Task WrongPasswordIsRefused()
    {
        var ex = await Assert.ThrowsExactlyAsync<InteropSetupException>(
            () => XmppTestClient.ConnectAsync(TestAccounts.AliceJid, "not-the-password", LogDirectory));

        StringAssert.Contains(ex.Message, "auth_failed");
    }

    [TestMethod]
    public async Task BobRegistersWithDigestAuth()
    {
        var sip = new SipTestClient(LogDirectory);

        var result = await sip.RegisterAsync(TestAccounts.Bob, TestAccounts.BobPassword, contactPort: TcpProbe.FreeUdpPort(IPAddress.Loopback));

        CollectionAssert.AreEqual(new[] { 401, 200 }, result.Statuses.ToArray(), result.ToString());
        Assert.AreEqual(0, result.ExitCode, result.ToString());
    }

    [TestMethod]
    public async Task WrongSipPasswordIsNotRegistered()
    {
        var sip = new SipTestClient(LogDirectory);

        var result = await sip.RegisterAsync(TestAccounts.Bob, "wrong", contactPort: TcpProbe.FreeUdpPort(IPAddress.Loopback));

        Assert.AreNotEqual(200, result.FinalStatus, result.ToString());
        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
    }

    [TestMethod]
    public async Task CarolReachesRegisteredBobThroughKamailio()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var bob = await sip.StartUasAsync(IPAddress.Loopback);
        var registered = await sip.RegisterAsync(TestAccounts.Bob, TestAccounts.BobPassword, bob.EndPoint.Port);
        Assert.AreEqual(200, registered.FinalStatus, registered.ToString());
        var body = "harness " + Guid.NewGuid().ToString("N")[..8] + " ça va ?";

        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.CarolUri, TestAccounts.BobUri, body,
            Subject: "Harness subject", ContentLanguage: "fr", AuthUser: TestAccounts.Carol, AuthPassword: TestAccounts.CarolPassword));

        CollectionAssert.AreEqual(new[] { 407, 200 }, sent.Statuses.ToArray(), sent.ToString());
        var got = await bob.WaitForMessageAsync(m => m.Body == body, EventTimeout);
        Assert.IsNotNull(got, bob.Diagnostics());
        Assert.AreEqual("Harness subject", got.Header("Subject"));
        Assert.AreEqual("fr", got.Header("Content-Language"));
        StringAssert.Contains(got.Header("From"), TestAccounts.CarolUri);
        StringAssert.Contains(got.Header("To"), TestAccounts.BobUri);
    }

    [TestMethod]
    [DataRow("sip:nobody@b.test", 404, DisplayName = "unknown user -> 404")]
    [DataRow("sip:carol@b.test", 480, DisplayName = "known user, not registered -> 480")]
    public async Task KamailioAnswersLookupFailures(string to, int expected)
    {
        var sip = new SipTestClient(LogDirectory);

        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, to, "anyone there?",
            AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));

        Assert.AreEqual(expected, sent.FinalStatus, sent.ToString());
    }

    [TestMethod]
    public async Task UnauthenticatedMessageIsChallenged()
    {
        var sip = new SipTestClient(LogDirectory);

        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.CarolUri, TestAccounts.BobUri, "no credentials"));

        Assert.AreEqual(407, sent.FinalStatus, sent.ToString());
    }

    [TestMethod]
    public async Task AliceGetsAnErrorWhenNothingServesBTest()
    {
        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);

        await alice.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, "is anyone there?", Id: "harness-1"));

        var error = await alice.WaitForAsync(e => e.Kind == XmppEvent.Error, EventTimeout);
        Assert.IsNotNull(error, alice.Diagnostics());
        Assert.AreEqual(TestAccounts.BobJid, error.From);
        Assert.AreEqual("harness-1", error.Id);
        Assert.AreEqual("remote-server-not-found", error.Condition, error.Raw);
        // b.test must resolve through /etc/hosts (unbound hoststxt) to the bridge's address.
        StringAssert.Contains(File.ReadAllText(Path.Combine(Peers.ProsodyDirectory, "prosody.log")), "127.0.0.2:5269");
    }
}

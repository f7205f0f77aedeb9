using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Bridge.Tests.Interop;

/// <summary>
/// The bridge attached to Prosody as an XEP-0114 component for b.test (Bridge:Xmpp:Component) instead of
/// S2S: messages both ways, a c.test user refused, and Prosody restarted under the bridge. Opt-in per
/// fixture: only this class gives Prosody the component and the bridge its Component section.
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class ComponentModeTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(3);
    // Below Kamailio's fr_timer (5 s in peers/kamailio.cfg), so the SIP sender hears the bridge's answer.
    private const double QueueDeadlineSeconds = 2;
    private const double ReconnectMaxDelaySeconds = 1;

    private static PeerServers? s_peers;
    private static BridgeProcess? s_bridge;
    private static Exception? s_setupError;

    public TestContext TestContext { get; set; } = null!;

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
                var component = new ProsodyComponent(TestAccounts.SipDomain, Guid.NewGuid().ToString("N"));
                s_peers = await PeerServers.StartAsync(InteropEnvironment.CreateRunDirectory("component"), component);
                Directory.CreateDirectory(LogDirectory);
                var config = await BridgeProcess.WriteConfigAsync(s_peers.WorkDirectory, bridge =>
                {
                    bridge["Xmpp"]!.AsObject()["Component"] = new JsonObject
                    {
                        ["Host"] = PeerServers.XmppComponentEndPoint.Address.ToString(),
                        ["Port"] = PeerServers.XmppComponentEndPoint.Port,
                        ["Name"] = component.Name,
                        ["Secret"] = component.Secret,
                    };
                    bridge["Resilience"] = new JsonObject
                    {
                        ["QueueDeadlineSeconds"] = QueueDeadlineSeconds,
                        ["ReconnectMaxDelaySeconds"] = ReconnectMaxDelaySeconds,
                    };
                });
                s_bridge = await BridgeProcess.StartAsync(config, Path.Combine(s_peers.WorkDirectory, "bridge.log"));
                if (!await WaitForComponentConnectionsAsync(1, TimeSpan.FromSeconds(15)))
                {
                    throw new InteropSetupException("the bridge's component never connected to Prosody\n" + s_bridge.Tail() + "\n" + s_peers.Diagnostics());
                }
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
        TestContext.WriteLine($"{Peers}; bridge pid {Bridge.Pid}, log {Bridge.LogFile}");
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
    public async Task AliceAndBobExchangeMessagesThroughTheComponent()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var bob = await sip.StartRegisteredBobAsync();
        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);

        var there = Unique("Hi Bob, via the component");
        await alice.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, there, Id: "comp-a2b-1"));
        var got = await bob.WaitForMessageAsync(m => m.Body == there, DeliveryTimeout);
        Assert.IsNotNull(got, Diagnostics(bob.Diagnostics(), alice.Diagnostics()));
        StringAssert.Contains(got.Header("From"), TestAccounts.AliceUri, got.ToString());

        var back = Unique("Hi Alice, back through the component");
        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, back,
            AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));
        Assert.AreEqual(200, sent.FinalStatus, Diagnostics(sent.ToString()));
        var reply = await alice.WaitForAsync(e => e.Kind == XmppEvent.Message && e.Body == back, DeliveryTimeout);
        Assert.IsNotNull(reply, Diagnostics(alice.Diagnostics()));
        Assert.IsTrue(reply.IsFrom(TestAccounts.BobJid), reply.Raw);
        Assert.IsNull(alice.Events.FirstOrDefault(e => e.Kind == XmppEvent.Error), alice.Diagnostics());
    }

    [TestMethod]
    public async Task AUserOfAnUnpeeredVhostIsRefusedAndNothingIsDelivered()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var bob = await sip.StartRegisteredBobAsync();
        await using var mallory = await ConnectAsync(TestAccounts.MalloryJid, TestAccounts.MalloryPassword);
        var body = Unique("from c.test over the component");

        await mallory.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, body, Id: "comp-mallory-1"));

        // Prosody hands c.test's stanza to the component like any other; the bridge answers not-allowed.
        var error = await mallory.WaitForAsync(e => e.Kind == XmppEvent.Error && e.Id == "comp-mallory-1", DeliveryTimeout);
        Assert.IsNotNull(error, Diagnostics(mallory.Diagnostics()));
        Assert.AreEqual("not-allowed", error.Condition, error.Raw);
        await Task.Delay(QuietPeriod);
        Assert.IsEmpty(bob.ReceivedMessages().Where(m => m.Body.Contains("from c.test", StringComparison.Ordinal)).ToList(), bob.Diagnostics());
    }

    [TestMethod]
    public async Task TheComponentReconnectsAfterProsodyRestartsAndWhatCameMeanwhileGetsAnError()
    {
        var sip = new SipTestClient(LogDirectory);
        var before = CountComponentConnections();

        await Peers.StopProsodyAsync();
        // Sent while Prosody is down: it waits QueueDeadlineSeconds for the link, then the bridge answers 503,
        // which Kamailio, a proxy, must turn into 500 for bob (RFC 3261 §16.7 step 6).
        var whileDown = Unique("while Prosody is down");
        var watch = Stopwatch.StartNew();
        var refused = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, whileDown,
            AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));
        Assert.AreEqual(500, refused.FinalStatus, Diagnostics(refused.ToString()));
        StringAssert.Contains(ReadBridgeLog(), "ServiceUnavailable: component link", "the bridge's own answer was the link-down 503");
        Assert.IsGreaterThanOrEqualTo(QueueDeadlineSeconds - 0.5, watch.Elapsed.TotalSeconds, "the message waited for the link before failing");

        await Peers.StartProsodyAgainAsync();
        var restarted = Stopwatch.StartNew();
        Assert.IsTrue(await WaitForComponentConnectionsAsync(before + 1, TimeSpan.FromSeconds(10)),
            Diagnostics("the component did not reconnect within 10 s of Prosody's restart"));
        TestContext.WriteLine($"component back {restarted.Elapsed.TotalSeconds:0.0} s after Prosody accepted again");

        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);
        var next = Unique("after the restart");
        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, next,
            AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));
        Assert.AreEqual(200, sent.FinalStatus, Diagnostics(sent.ToString()));
        Assert.IsNotNull(await alice.WaitForAsync(e => e.Kind == XmppEvent.Message && e.Body == next, DeliveryTimeout),
            Diagnostics(alice.Diagnostics()));
        Assert.IsNull(alice.Events.FirstOrDefault(e => e.Body == whileDown), "the refused message must not arrive as well");
    }

    private static int CountComponentConnections() =>
        ReadBridgeLog().Split('\n').Count(l => l.Contains("Component", StringComparison.Ordinal) && l.Contains("connected to", StringComparison.Ordinal));

    private static string ReadBridgeLog()
    {
        using var stream = new FileStream(Bridge.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<bool> WaitForComponentConnectionsAsync(int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (CountComponentConnections() >= count)
            {
                return true;
            }
            await Task.Delay(100);
        }
        return CountComponentConnections() >= count;
    }


    private static Task<XmppTestClient> ConnectAsync(string jid, string password) =>
        XmppTestClient.ConnectAsync(jid, password, LogDirectory);

    private static string Unique(string text) => $"{text} [{Guid.NewGuid().ToString("N")[..8]}]";

    private static string Diagnostics(params string[] parts) =>
        string.Join('\n', parts) + "\n--- bridge ---\n" + Bridge.Tail() + "\n" + Peers.Diagnostics();
}

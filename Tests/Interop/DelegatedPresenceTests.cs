using System.Text.Json.Nodes;

namespace Bridge.Tests.Interop;

/// <summary>
/// Authorization migration against the real peers: with DelegatedAuthorization on the a.test/b.test peering,
/// alice, dave and erin (Prosody) watching bob (Kamailio) cost one SIP subscription, and each sees what bob's
/// pres-rules allow: alice the note and the activity, dave only the activity, erin nothing (blocked).
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class DelegatedPresenceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private const string BobsRules = """
        <?xml version="1.0" encoding="UTF-8"?>
        <cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy" xmlns:pr="urn:ietf:params:xml:ns:pres-rules">
          <cr:rule id="colleagues">
            <cr:conditions><cr:identity><cr:many domain="a.test"><cr:except id="xmpp:erin@a.test"/></cr:many></cr:identity></cr:conditions>
            <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
            <cr:transformations><pr:provide-activities>true</pr:provide-activities></cr:transformations>
          </cr:rule>
          <cr:rule id="alice">
            <cr:conditions><cr:identity><cr:one id="xmpp:alice@a.test"/></cr:identity></cr:conditions>
            <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
            <cr:transformations><pr:provide-note>true</pr:provide-note></cr:transformations>
          </cr:rule>
        </cr:ruleset>
        """;

    private PeerServers? _peers;
    private BridgeProcess? _bridge;

    public TestContext TestContext { get; set; } = null!;

    [TestInitialize]
    public async Task Start()
    {
        InteropEnvironment.RequirePeers();
        _peers = await PeerServers.StartAsync(InteropEnvironment.CreateRunDirectory("delegated"));
        var rules = Path.Combine(_peers.WorkDirectory, "pres-rules");
        Directory.CreateDirectory(rules);
        await File.WriteAllTextAsync(Path.Combine(rules, "bob@b.test.xml"), BobsRules);
        var config = await BridgeProcess.WriteConfigAsync(_peers.WorkDirectory, bridge =>
        {
            bridge["Peerings"]![0]!["DelegatedAuthorization"] = true;
            bridge["Presence"] = new JsonObject { ["RulesFolder"] = rules };
        });
        _bridge = await BridgeProcess.StartAsync(config, Path.Combine(_peers.WorkDirectory, "bridge.log"));
        Directory.CreateDirectory(LogDirectory);
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
    public async Task ThreeWatchersShareOneSubscriptionAndEachSeesWhatBobsRulesAllow()
    {
        var sip = new SipTestClient(LogDirectory);
        var note = $"Board meeting [{Guid.NewGuid().ToString("N")[..6]}]";
        var published = await sip.PublishAsync(new SipPublication(TestAccounts.Bob, TestAccounts.BobPassword, note, Activity: "busy"));
        Assert.AreEqual(200, published.FinalStatus, published.ToString());

        await using var alice = await XmppTestClient.ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword, LogDirectory);
        await using var dave = await XmppTestClient.ConnectAsync(TestAccounts.DaveJid, TestAccounts.DavePassword, LogDirectory);
        await using var erin = await XmppTestClient.ConnectAsync(TestAccounts.ErinJid, TestAccounts.ErinPassword, LogDirectory);
        foreach (var watcher in new[] { alice, dave, erin })
        {
            await watcher.SendSubscriptionAsync(TestAccounts.BobJid, "subscribe");
        }

        var seenByAlice = await alice.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "available", Timeout);
        Assert.IsNotNull(seenByAlice, Diagnostics(alice.Diagnostics()));
        Assert.AreEqual(note, seenByAlice.Status, "alice may see the note\n" + seenByAlice.Raw);
        Assert.AreEqual("dnd", seenByAlice.Show, seenByAlice.Raw);

        var seenByDave = await dave.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "available", Timeout);
        Assert.IsNotNull(seenByDave, Diagnostics(dave.Diagnostics()));
        Assert.IsNull(seenByDave.Status, "dave may not see the note\n" + seenByDave.Raw);
        Assert.AreEqual("dnd", seenByDave.Show, "dave may see the activity\n" + seenByDave.Raw);

        Assert.IsNotNull(await erin.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "unsubscribed", Timeout),
            Diagnostics("erin is blocked by bob's rules: unsubscribed", erin.Diagnostics()));
        Assert.IsNull(await erin.WaitForPresenceAsync(TestAccounts.BobJid, e => e.Type == "available", TimeSpan.FromSeconds(1)),
            Diagnostics("erin must see nothing of bob", erin.Diagnostics()));

        // One subscription crossed the peering link for the three watchers.
        var kamailioLog = await File.ReadAllLinesAsync(Path.Combine(_peers!.KamailioDirectory, "kamailio.log"));
        var subscribes = kamailioLog.Count(l => l.Contains("request SUBSCRIBE sip:bob@b.test", StringComparison.Ordinal) && l.Contains("from 127.0.0.2", StringComparison.Ordinal));
        Assert.AreEqual(1, subscribes, Diagnostics("SUBSCRIBEs from the bridge to bob: " + subscribes));
        Assert.IsTrue(kamailioLog.Any(l => l.Contains("request SUBSCRIBE sip:bob@b.test", StringComparison.Ordinal) && l.Contains("delegated-presence@a.test", StringComparison.Ordinal)),
            Diagnostics("the shared subscription is the a.test relay's"));

        if (published.ETag is { } etag)
        {
            await sip.UnpublishAsync(TestAccounts.Bob, TestAccounts.BobPassword, etag);
        }
    }

    private string Diagnostics(params string[] parts) =>
        string.Join('\n', parts) + "\n--- bridge ---\n" + _bridge!.Tail() + "\n" + _peers!.Diagnostics();
}

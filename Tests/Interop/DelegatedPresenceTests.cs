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

    // The issue's own check: 100 watchers of bob, two privacy classes; one NOTIFY crosses from Kamailio per change.
    [TestMethod]
    public async Task AHundredWatchersCostOneNotifyPerChangeAndEachClassSeesItsView()
    {
        const int count = 100;
        var accounts = Path.Combine(_peers!.ProsodyDirectory, "data", "a%2etest", "accounts");
        Directory.CreateDirectory(accounts);
        for (var i = 1; i <= count; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(accounts, $"w{i:000}.dat"), "return {\n\t[\"password\"] = \"w-secret\";\n};\n");
        }
        // Class one (w001..w050) sees the note; class two only the activity.
        var ones = string.Concat(Enumerable.Range(1, count / 2).Select(i => $"<cr:one id=\"xmpp:w{i:000}@a.test\"/>"));
        await File.WriteAllTextAsync(Path.Combine(_peers.WorkDirectory, "pres-rules", "bob@b.test.xml"), $"""
            <cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy" xmlns:pr="urn:ietf:params:xml:ns:pres-rules">
              <cr:rule id="all"><cr:conditions><cr:identity><cr:many domain="a.test"/></cr:identity></cr:conditions>
                <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
                <cr:transformations><pr:provide-activities>true</pr:provide-activities></cr:transformations></cr:rule>
              <cr:rule id="notes"><cr:conditions><cr:identity>{ones}</cr:identity></cr:conditions>
                <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
                <cr:transformations><pr:provide-note>true</pr:provide-note></cr:transformations></cr:rule>
            </cr:ruleset>
            """);
        var sip = new SipTestClient(LogDirectory);
        var first = await sip.PublishAsync(new SipPublication(TestAccounts.Bob, TestAccounts.BobPassword, "Before the change", Activity: "away"));
        Assert.AreEqual(200, first.FinalStatus, first.ToString());

        var log = Path.Combine(LogDirectory, "many-watchers.log");
        await using var watchers = ManagedProcess.Start("100 watchers", "/usr/bin/python3",
            [Path.Combine(InteropEnvironment.InteropSourceDirectory, "clients", "many_watchers.py"), "w", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "w-secret", TestAccounts.BobJid, "90"],
            log);
        // Bob's presence reaches a watcher only once its subscription is approved: this is the "all subscribed" point.
        Assert.IsTrue(await WaitForEventsAsync(log, e => e.Type == "available" && e.Show == "away", count, TimeSpan.FromSeconds(60)),
            Diagnostics($"not all {count} watchers saw bob's first state", watchers.Tail(20)));

        var notifiesBefore = await RelayNotifiesAsync();
        var note = $"Changed [{Guid.NewGuid().ToString("N")[..6]}]";
        var changed = await sip.PublishAsync(new SipPublication(TestAccounts.Bob, TestAccounts.BobPassword, note, Activity: "busy", ETag: first.ETag));
        Assert.AreEqual(200, changed.FinalStatus, changed.ToString());
        Assert.IsTrue(await WaitForEventsAsync(log, e => e.Type == "available" && e.Show == "dnd", count, TimeSpan.FromSeconds(30)),
            Diagnostics("not all watchers saw bob's change", watchers.Tail(20)));
        Assert.IsTrue(await WaitForEventsAsync(log, e => e.Status == note, count / 2, TimeSpan.FromSeconds(10)), Diagnostics("class one did not see the note"));

        var events = await ReadEventsAsync(log);
        var sawNote = events.Where(e => e.Status == note).Select(e => e.Jid).Distinct().ToList();
        CollectionAssert.AreEquivalent(Enumerable.Range(1, count / 2).Select(i => $"w{i:000}@a.test").ToList(), sawNote, "exactly class one sees the note");
        var notifies = await RelayNotifiesAsync() - notifiesBefore;
        Assert.AreEqual(1, notifies, Diagnostics($"Kamailio sent {notifies} NOTIFYs to the bridge for one change of bob's presence with {count} watchers"));
        if (changed.ETag is { } etag)
        {
            await sip.UnpublishAsync(TestAccounts.Bob, TestAccounts.BobPassword, etag);
        }
    }

    /// <summary>NOTIFYs Kamailio generated towards the a.test relay (peers/kamailio.cfg logs each local NOTIFY).</summary>
    private async Task<int> RelayNotifiesAsync()
    {
        using var stream = new FileStream(Path.Combine(_peers!.KamailioDirectory, "kamailio.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();
        return text.Split('\n').Count(l => l.Contains("local NOTIFY", StringComparison.Ordinal) && l.Contains("delegated-presence@a.test", StringComparison.Ordinal));
    }

    private sealed record WatcherEvent(string? Jid, string? Type, string? Show, string? Status);

    private static async Task<List<WatcherEvent>> ReadEventsAsync(string log)
    {
        if (!File.Exists(log))
        {
            return [];
        }
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var events = new List<WatcherEvent>();
        foreach (var line in (await reader.ReadToEndAsync()).Split('\n'))
        {
            if (!line.StartsWith("{\"event\": \"presence\"", StringComparison.Ordinal))
            {
                continue;
            }
            var json = System.Text.Json.JsonDocument.Parse(line).RootElement;
            string? Get(string name) => json.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
            events.Add(new WatcherEvent(Get("jid"), Get("type"), Get("show"), Get("status")));
        }
        return events;
    }

    /// <summary>Waits until <paramref name="distinctWatchers"/> different watchers have an event matching the predicate.</summary>
    private static async Task<bool> WaitForEventsAsync(string log, Func<WatcherEvent, bool> predicate, int distinctWatchers, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if ((await ReadEventsAsync(log)).Where(predicate).Select(e => e.Jid).Distinct().Count() >= distinctWatchers)
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    private string Diagnostics(params string[] parts) =>
        string.Join('\n', parts) + "\n--- bridge ---\n" + _bridge!.Tail() + "\n" + _peers!.Diagnostics();
}

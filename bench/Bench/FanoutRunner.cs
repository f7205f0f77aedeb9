using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Bridge.Bench;

/// <summary>
/// Issue 5 (delegated presence): N watchers w0..w(N-1)@a.test of ONE presentity p@b.test. For each N and mode
/// (per-watcher: a SIP subscription per watcher; delegated: one shared subscription, pres-rules applied by the
/// bridge; delegated with a.test advertising XEP-0033) a fresh bridge is started, the N watchers subscribe, and
/// K presence changes are sent as NOTIFYs by the SIP peer, one at a time: a change is complete when every
/// watcher got a presence stanza for it. Counted per change: NOTIFYs on the SIP link (what the SIP peer sent),
/// presence stanzas on the XMPP link (what a.test received) and the watchers they reached; and the fan-out
/// time, from the NOTIFY write(s) to the stanza that completes the change.
/// </summary>
internal sealed class FanoutRunner(BenchOptions options, string bridgeDll, string runDir)
{
    public static readonly string[] Modes = ["per-watcher", "delegated", "delegated+XEP-0033"];
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(30);

    public async Task<List<FanoutResult>> RunAsync()
    {
        var results = new List<FanoutResult>();
        foreach (var n in options.FanoutSizes)
        {
            foreach (var mode in Modes)
            {
                FanoutResult r;
                try
                {
                    r = await RunOneAsync(mode, n).ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
                {
                    r = new FanoutResult(mode, n, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0, "not run: " + e.Message);
                }
                results.Add(r);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  fan-out N={n,-6} {mode,-19} SIP NOTIFY/change {r.SipNotifiesPerChange,7:F1}  XMPP stanzas/change {r.XmppStanzasPerChange,8:F1}  watchers reached {r.WatchersReachedPerChange,8:F1}  fan-out p50 {r.FanoutMedianMs,8:F2} ms  ({r.Completed}/{r.Changes} complete){(r.Note is null ? "" : "  " + r.Note)}"));
            }
        }
        return results;
    }

    private async Task<FanoutResult> RunOneAsync(string mode, int n)
    {
        var delegated = mode != "per-watcher";
        var dir = Path.Combine(runDir, $"fanout-{n}-{mode.Replace('+', '-')}");
        Directory.CreateDirectory(dir);
        var config = WriteConfig(dir, delegated, n);
        var xmppAt = new IPEndPoint(options.BridgeAddress, options.XmppPort);
        var sipAt = new IPEndPoint(options.BridgeAddress, options.SipPort);
        using var bridge = await BridgeProcess.StartAsync(bridgeDll, config, Path.Combine(dir, "bridge.log"), xmppAt, TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        using var sip = new SipPeer(new IPEndPoint(options.PeerAddress, options.SipPort), new IPEndPoint(options.PeerAddress, options.UacPort), sipAt);
        using var xmpp = new XmppPeer(new IPEndPoint(options.PeerAddress, options.XmppPort), xmppAt, options.PeerSecret, options.BridgeSecret);
        var server = new FanoutSipServer(sip.UasEndPoint, sip.SendFromUas);
        var book = new FanoutBook();
        sip.Presence = server;
        xmpp.Fanout = book;
        xmpp.AdvertiseMulticast = mode == "delegated+XEP-0033";
        await xmpp.ConnectAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);

        // Subscribe, at most a window outstanding (a `subscribed` comes back per watcher in both modes).
        var batch = new int[64];
        var sent = 0;
        var stall = Stopwatch.StartNew();
        long lastSubscribed = 0;
        while (sent < n || book.Subscribed < n)
        {
            if (sent < n && sent - book.Subscribed < options.PresenceWindow)
            {
                var k = Math.Min(batch.Length, n - sent);
                for (var j = 0; j < k; j++)
                {
                    batch[j] = sent + j;
                }
                xmpp.SendSubscribes(batch.AsSpan(0, k), FanoutSipServer.Presentity);
                sent += k;
                continue;
            }
            if (book.Subscribed != lastSubscribed)
            {
                lastSubscribed = book.Subscribed;
                stall.Restart();
            }
            else if (stall.Elapsed > ChangeTimeout)
            {
                return Failed(mode, n, server, xmpp, $"subscriptions stalled at {book.Subscribed} of {n}");
            }
            Thread.Sleep(2);
        }
        // The initial NOTIFYs' presence: wait until every watcher has seen one, then until the links are quiet.
        await WaitAsync(() => book.Deliveries >= n, ChangeTimeout).ConfigureAwait(false);
        await Task.Delay(500).ConfigureAwait(false);

        var changes = options.FanoutChanges;
        var times = new List<double>();
        var attempted = 0;
        long notifies0 = server.NotifiesSent, stanzas0 = book.Stanzas, reached0 = book.Deliveries, noted0 = book.WithNote;
        for (var c = 0; c < changes; c++)
        {
            var target = book.Deliveries + n;
            var start = Stopwatch.GetTimestamp();
            attempted++;
            server.Change($"change {c}", options.PresenceWindow);
            if (!await WaitAsync(() => book.Deliveries >= target, ChangeTimeout).ConfigureAwait(false))
            {
                break;
            }
            times.Add(Stopwatch.GetElapsedTime(start, book.LastAt).TotalMilliseconds);
            await Task.Delay(20).ConfigureAwait(false); // a quiet gap, so that each change is measured alone
        }
        await Task.Delay(200).ConfigureAwait(false); // stragglers (e.g. a second stanza of one change) still count
        times.Sort();
        var per = (double)Math.Max(1, attempted); // an incomplete change ends the case: per change attempted
        return new FanoutResult(mode, n, attempted, server.Dialogs,
            (server.NotifiesSent - notifies0) / per, (book.Stanzas - stanzas0) / per, (book.Deliveries - reached0) / per, (book.WithNote - noted0) / per,
            times.Count == 0 ? double.NaN : times[times.Count / 2], times.Count == 0 ? double.NaN : times[^1], times.Count, xmpp.DiscoRequests,
            times.Count < attempted ? $"change {attempted} incomplete after {ChangeTimeout.TotalSeconds:F0} s; NOTIFYs unanswered {server.NotifiesSent - server.NotifiesAnswered}" : null);
    }

    private FanoutResult Failed(string mode, int n, FanoutSipServer server, XmppPeer xmpp, string note) =>
        new(mode, n, 0, server.Dialogs, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0, xmpp.DiscoRequests, note);

    private static async Task<bool> WaitAsync(Func<bool> done, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!done())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }
            await Task.Delay(1).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>
    /// The presence config of the main bench plus, for delegation, the peering flag and a rules folder with
    /// p@b.test's pres-rules (RFC 5025): every a.test watcher allowed; the even-numbered ones may also see the
    /// note, so there are two privacy classes.
    /// </summary>
    private string WriteConfig(string dir, bool delegated, int n)
    {
        var path = BridgeProcess.WriteConfig(dir, options, false, presence: true);
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["Bridge"]!["Storage"] = new JsonObject { ["Path"] = Path.Combine(dir, "bridge.db") };
        if (delegated)
        {
            var rules = Directory.CreateDirectory(Path.Combine(dir, "rules")).FullName;
            var noted = new StringBuilder();
            for (var i = 0; i < n; i += 2)
            {
                noted.Append(CultureInfo.InvariantCulture, $"<cr:one id='sip:w{i}@a.test'/>");
            }
            File.WriteAllText(Path.Combine(rules, FanoutSipServer.Presentity + ".xml"),
                "<cr:ruleset xmlns:cr='urn:ietf:params:xml:ns:common-policy' xmlns:pr='urn:ietf:params:xml:ns:pres-rules'>"
                + "<cr:rule id='all'><cr:conditions><cr:identity><cr:many domain='a.test'/></cr:identity></cr:conditions>"
                + "<cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions><cr:transformations/></cr:rule>"
                + $"<cr:rule id='note'><cr:conditions><cr:identity>{noted}</cr:identity></cr:conditions>"
                + "<cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>"
                + "<cr:transformations><pr:provide-note>true</pr:provide-note></cr:transformations></cr:rule></cr:ruleset>");
            config["Bridge"]!["Peerings"]![0]!["DelegatedAuthorization"] = true;
            config["Bridge"]!["Presence"] = new JsonObject { ["RulesFolder"] = rules };
        }
        File.WriteAllText(path, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}

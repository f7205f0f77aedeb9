using System.Globalization;
using System.Net;
using System.Text.Json;
using Bridge.Bench;

// Bench for the bridge (issue 5): see bench/README.md. Starts the bridge, drives it with the synthetic
// peers, prints a table and writes a JSON file; stops by itself in about two minutes.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (options.SelfCheck)
{
    return await PresenceSelfCheck.RunAsync(options);
}

var repo = FindRepoRoot();
var bridgeDll = options.BridgeDll ?? Path.Combine(repo, "Bridge", "bin", "Release", "net10.0", "Bridge.dll");
if (!File.Exists(bridgeDll))
{
    Console.Error.WriteLine($"{bridgeDll} not found: build it first with `dotnet build Bridge -c Release`");
    return 2;
}
var resultsDir = Path.Combine(repo, "bench", "results");
Directory.CreateDirectory(resultsDir);
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var runDir = Path.Combine(resultsDir, "run-" + stamp);
Directory.CreateDirectory(runDir);
var report = new Report(options, CpuClock.LoadAverage(), Environment.ProcessorCount);
Console.WriteLine($"load average at start: {report.LoadAverageAtStart}; {report.Cpus} CPUs; bridge {bridgeDll}");

var xmppAt = new IPEndPoint(options.BridgeAddress, options.XmppPort);
var sipAt = new IPEndPoint(options.BridgeAddress, options.SipPort);

if (options.Serve > TimeSpan.Zero)
{
    return await ServeAsync(options, bridgeDll, runDir, xmppAt);
}

// Run 1: Warning logging, every measurement.
if (!options.PresenceOnly && !options.FanoutOnly)
{
    using (var bridge = await BridgeProcess.StartAsync(bridgeDll, BridgeProcess.WriteConfig(runDir, options, false),
               Path.Combine(runDir, "bridge-warning.log"), xmppAt, TimeSpan.FromSeconds(20), options.PerfMap))
    using (var gc = TryMonitorGc(bridge.Pid, report))
    using (var sip = new SipPeer(new IPEndPoint(options.PeerAddress, options.SipPort), new IPEndPoint(options.PeerAddress, options.UacPort), sipAt))
    using (var xmpp = new XmppPeer(new IPEndPoint(options.PeerAddress, options.XmppPort), xmppAt, options.PeerSecret, options.BridgeSecret))
    {
        await xmpp.ConnectAsync(TimeSpan.FromSeconds(10));
        Console.WriteLine($"bridge PID {bridge.Pid}");
        var runner = new LoadRunner(options, xmpp, sip, bridge.Pid);
        Progress("warm-up (both directions)", runner.ClosedLoop("warm-up", true, true, options.Warmup), report.WarmUp);
        for (var rep = 1; rep <= options.Repetitions; rep++)
        {
            Progress($"rep {rep}: {LoadRunner.SipToXmpp}", runner.ClosedLoop($"max {LoadRunner.SipToXmpp}", true, false, options.Duration), report.Max);
            Progress($"rep {rep}: {LoadRunner.XmppToSip}", runner.ClosedLoop($"max {LoadRunner.XmppToSip}", false, true, options.Duration), report.Max);
            Progress($"rep {rep}: both at once", runner.ClosedLoop("max both at once", true, true, options.Duration), report.Max);
        }
        foreach (var (direction, toXmpp) in new[] { (LoadRunner.SipToXmpp, true), (LoadRunner.XmppToSip, false) })
        {
            var half = Math.Floor(report.MedianRate($"max {direction}", direction) / 2);
            Progress($"latency {direction} at {half}/s", [runner.OpenLoop($"latency {direction}", toXmpp, half, options.LatencyDuration)], report.Latency);
        }
        report.PeakWorkingSetMiB = bridge.PeakWorkingSetMiB();
        report.Gc = gc?.Snapshot();
        report.XmppUnknown = xmpp.Unknown;
        report.SipUnknown = sip.Unknown;
        report.SipFailures = sip.Failures;
        report.XmppStreamErrors = xmpp.StreamErrors;
    }

    // Run 2: Information logging (one line per message) into a file, max rate once per direction.
    if (options.InformationRun)
    {
        var log = Path.Combine(runDir, "bridge-information.log");
        using var bridge = await BridgeProcess.StartAsync(bridgeDll, BridgeProcess.WriteConfig(runDir, options, true), log, xmppAt, TimeSpan.FromSeconds(20));
        using var sip = new SipPeer(new IPEndPoint(options.PeerAddress, options.SipPort), new IPEndPoint(options.PeerAddress, options.UacPort), sipAt);
        using var xmpp = new XmppPeer(new IPEndPoint(options.PeerAddress, options.XmppPort), xmppAt, options.PeerSecret, options.BridgeSecret);
        await xmpp.ConnectAsync(TimeSpan.FromSeconds(10));
        var runner = new LoadRunner(options, xmpp, sip, bridge.Pid);
        Progress("info logging: warm-up", runner.ClosedLoop("warm-up info", true, true, TimeSpan.FromSeconds(2)), report.WarmUp);
        Progress($"info logging: {LoadRunner.SipToXmpp}", runner.ClosedLoop($"max {LoadRunner.SipToXmpp} (Information log)", true, false, options.Duration), report.InfoLogging);
        Progress($"info logging: {LoadRunner.XmppToSip}", runner.ClosedLoop($"max {LoadRunner.XmppToSip} (Information log)", false, true, options.Duration), report.InfoLogging);
        report.InfoLogBytes = new FileInfo(log).Length;
    }
}

// Run 3: presence enabled (own bridge, so the memory readings hold only what the subscriptions add).
if (options.FanoutOnly)
{
    report.PresenceNote = "skipped (--fanout-only)";
}
else if (options.PresenceSubscriptions > 0)
{
    try
    {
        report.Presence = await RunPresenceAsync(options, bridgeDll, runDir, xmppAt, sipAt);
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
    {
        report.PresenceNote = "not run: " + e.Message;
        Console.Error.WriteLine("presence phase: " + e.Message);
    }
}
else
{
    report.PresenceNote = "skipped (--presence-subscriptions 0)";
}

// Run 4: fan-out, a fresh bridge per case (see FanoutRunner).
if (options.Fanout)
{
    report.Fanout = await new FanoutRunner(options, bridgeDll, runDir).RunAsync();
}

report.Print(Console.Out);
var output = options.Output ?? Path.Combine(resultsDir, $"bench-{stamp}.json");
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report.ToJson(), new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
Console.WriteLine($"JSON: {output}   bridge logs and configs: {runDir}");
return report.TotalLost == 0 ? 0 : 1;

// sipp mode: sipp plays the SIP side (bench/sipp/*.xml), this process the bridge and a.test.
static async Task<int> ServeAsync(BenchOptions options, string bridgeDll, string runDir, IPEndPoint xmppAt)
{
    using var bridge = await BridgeProcess.StartAsync(bridgeDll, BridgeProcess.WriteConfig(runDir, options, false),
        Path.Combine(runDir, "bridge-warning.log"), xmppAt, TimeSpan.FromSeconds(20));
    using var xmpp = new XmppPeer(new IPEndPoint(options.PeerAddress, options.XmppPort), xmppAt, options.PeerSecret, options.BridgeSecret);
    await xmpp.ConnectAsync(TimeSpan.FromSeconds(10));
    Console.WriteLine($"bridge on {options.BridgeAddress} (SIP udp/tcp {options.SipPort}, XMPP {options.XmppPort}); XMPP peer a.test on {options.PeerAddress}:{options.XmppPort}; serving {options.Serve.TotalSeconds} s");
    if (options.ServeXmppRate > 0)
    {
        var runner = new LoadRunner(options, xmpp, null, bridge.Pid);
        var r = runner.OpenLoop("serve", false, options.ServeXmppRate, options.Serve);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"XMPP peer sent {r.Sent} XMPP->SIP messages at {options.ServeXmppRate}/s; bounces (type='error') back: {xmpp.BouncesReceived}"));
    }
    else
    {
        await Task.Delay(options.Serve);
    }
    Console.WriteLine($"XMPP peer received {xmpp.MessagesReceived} message stanzas (SIP->XMPP) and {xmpp.BouncesReceived} bounces; bridge peak working set {bridge.PeakWorkingSetMiB():F1} MiB");
    return 0;
}

static async Task<PresenceResult> RunPresenceAsync(BenchOptions options, string bridgeDll, string runDir, IPEndPoint xmppAt, IPEndPoint sipAt)
{
    using var bridge = await BridgeProcess.StartAsync(bridgeDll, BridgeProcess.WriteConfig(runDir, options, false, presence: true),
        Path.Combine(runDir, "bridge-presence.log"), xmppAt, TimeSpan.FromSeconds(20), options.PerfMap);
    var unused = new Report(options, "", 0);
    using var gc = TryMonitorGc(bridge.Pid, unused);
    using var sip = new SipPeer(new IPEndPoint(options.PeerAddress, options.SipPort), new IPEndPoint(options.PeerAddress, options.UacPort), sipAt);
    using var xmpp = new XmppPeer(new IPEndPoint(options.PeerAddress, options.XmppPort), xmppAt, options.PeerSecret, options.BridgeSecret);
    var book = new PresenceBook(options.PresenceSubscriptions);
    using var server = new SipPresenceServer(options.PresenceSubscriptions, sip.UasEndPoint, sip.SendFromUas);
    sip.Presence = server;
    xmpp.Presence = book;
    await xmpp.ConnectAsync(TimeSpan.FromSeconds(10));
    Console.WriteLine($"presence phase: bridge PID {bridge.Pid}, {options.PresenceSubscriptions} subscriptions ({options.PresenceWarmup} warm-up), window {options.PresenceWindow}");
    var result = new PresenceRunner(options, xmpp, server, book, bridge.Pid, gc is null ? null : gc.HeapAfterLastGcMiB).Run();
    if (gc is null)
    {
        result.Note = (result.Note is null ? "" : result.Note + "; ") + "managed heap " + unused.GcNote;
    }
    return result;
}

static void Progress(string what, List<PhaseResult> results, List<PhaseResult> into)
{
    into.AddRange(results);
    foreach (var r in results)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-34} {r.Direction,-10} {r.MessagesPerSecond,9:F0} msg/s  sent {r.Sent,7} lost {r.Lost} err {r.Errors} (delivered anyway {r.ErrorButDelivered}) dup {r.Duplicates} rexmit {r.SipRetransmissions} udp-drops {r.UdpReceiveBufferDrops} p99 {r.LatencyP99Ms:F2} ms  CPU bridge {r.BridgeCpuPercent:F0}% bench {r.BenchCpuPercent:F0}%"));
    }
}

static GcPauseMonitor? TryMonitorGc(int pid, Report report)
{
    try
    {
        return new GcPauseMonitor(pid);
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        report.GcNote = "not measured: " + e.Message;
        return null;
    }
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Bridge.sln")))
        {
            return dir.FullName;
        }
    }
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Bridge.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("run the bench from inside the repository (Bridge.sln not found)");
}

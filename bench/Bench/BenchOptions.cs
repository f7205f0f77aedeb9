using System.Globalization;
using System.Net;

namespace Bridge.Bench;

/// <summary>Command-line settings; every default is what the README's figures were taken with.</summary>
internal sealed record BenchOptions
{
    public IPAddress BridgeAddress { get; init; } = IPAddress.Parse("127.0.0.20");
    public IPAddress PeerAddress { get; init; } = IPAddress.Parse("127.0.0.21");
    public int XmppPort { get; init; } = 5269;
    public int SipPort { get; init; } = 5060;
    public int UacPort { get; init; } = 5070;
    public string BridgeSecret { get; init; } = "bench-bridge-secret";
    public string PeerSecret { get; init; } = "bench-peer-secret";
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(4);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan LatencyDuration { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(10);
    public int Repetitions { get; init; } = 3;
    /// <summary>Outstanding messages per direction in the closed loops. SIP over UDP stays well under the bridge's socket buffer.</summary>
    public int SipWindow { get; init; } = 128;
    public int XmppWindow { get; init; } = 256;
    public bool InformationRun { get; init; } = true;
    public string? BridgeDll { get; init; }
    public string? Output { get; init; }
    /// <summary>For sipp runs: start the bridge and only the XMPP peer for this long, then print its counts.</summary>
    public TimeSpan Serve { get; init; }
    /// <summary>Runs the bridge with DOTNET_PerfMapEnabled=1 so `perf` can name its JIT-compiled frames.</summary>
    public bool PerfMap { get; init; }
    /// <summary>With Serve: XMPP->SIP messages per second the XMPP peer sends (toward a sipp UAS).</summary>
    public double ServeXmppRate { get; init; }
    /// <summary>Presence phase (own bridge run): subscriptions to hold (0 = skip the phase).</summary>
    public int PresenceSubscriptions { get; init; } = 100_000;
    /// <summary>Subscriptions made first, before the "before" memory reading.</summary>
    public int PresenceWarmup { get; init; } = 1000;
    /// <summary>Outstanding SUBSCRIBEs (awaiting `subscribed`) and NOTIFYs (awaiting their stanza) in the presence phase.</summary>
    public int PresenceWindow { get; init; } = 128;
    public TimeSpan PresenceDuration { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Runs only the presence phase (no message phases).</summary>
    public bool PresenceOnly { get; init; }
    /// <summary>Runs the fan-out phase (N watchers of one presentity) after the others.</summary>
    public bool Fanout { get; init; }
    /// <summary>Runs only the fan-out phase.</summary>
    public bool FanoutOnly { get; init; }
    /// <summary>Watcher counts of the fan-out phase.</summary>
    public int[] FanoutSizes { get; init; } = [1, 10, 100, 10_000];
    /// <summary>Presence changes per fan-out case.</summary>
    public int FanoutChanges { get; init; } = 20;
    /// <summary>Checks the bench's own presence logic (no bridge) and exits.</summary>
    public bool SelfCheck { get; init; }

    public const string Usage = """
        usage: dotnet run -c Release --project bench/Bench -- [options]
          --bridge-dll PATH     Bridge.dll to run (default: Bridge/bin/Release/net10.0/Bridge.dll under the repo)
          --bridge-address IP   loopback address for the bridge (default 127.0.0.20)
          --peer-address IP     loopback address for the synthetic peers (default 127.0.0.21)
          --duration S          seconds per throughput measurement (default 4)
          --reps N              repetitions of each throughput measurement (default 3; the table shows the median)
          --sip-window N        outstanding SIP->XMPP messages (default 128)
          --xmpp-window N       outstanding XMPP->SIP messages (default 256)
          --no-info-run         skip the second bridge run with Information logging
          --output FILE         JSON result file (default bench/results/bench-<UTC time>.json)
          --perf-map            run the bridge with DOTNET_PerfMapEnabled=1 (for `perf record -g -p PID`)
          --serve S             sipp mode: run the bridge and only the synthetic XMPP peer for S seconds
          --xmpp-rate R         with --serve: also send R XMPP->SIP messages/s (for a sipp UAS)
          --presence-subscriptions N  presence phase: subscriptions held (default 100000; 0 skips the phase)
          --presence-warmup N   subscriptions made before the "before" memory reading (default 1000)
          --presence-window N   outstanding SUBSCRIBEs / NOTIFYs in the presence phase (default 128)
          --presence-duration S seconds per presence-update measurement (default 5; --reps of them)
          --presence-only       run only the presence phase
          --fanout              also run the fan-out phase: N watchers at a.test of one presentity, per-watcher vs delegated
          --fanout-only         run only the fan-out phase
          --fanout-sizes LIST   watcher counts, comma-separated (default 1,10,100,10000)
          --fanout-changes K    presence changes per case (default 20)
          --self-check          check the bench's presence logic against itself (no bridge) and exit
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--bridge-dll" => o with { BridgeDll = Next() },
                "--bridge-address" => o with { BridgeAddress = IPAddress.Parse(Next()) },
                "--peer-address" => o with { PeerAddress = IPAddress.Parse(Next()) },
                "--duration" => o with { Duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--reps" => o with { Repetitions = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--sip-window" => o with { SipWindow = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--xmpp-window" => o with { XmppWindow = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--no-info-run" => o with { InformationRun = false },
                "--output" => o with { Output = Next() },
                "--perf-map" => o with { PerfMap = true },
                "--serve" => o with { Serve = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--xmpp-rate" => o with { ServeXmppRate = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--presence-subscriptions" => o with { PresenceSubscriptions = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--presence-warmup" => o with { PresenceWarmup = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--presence-window" => o with { PresenceWindow = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--presence-duration" => o with { PresenceDuration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--presence-only" => o with { PresenceOnly = true },
                "--fanout" => o with { Fanout = true },
                "--fanout-only" => o with { FanoutOnly = true, Fanout = true },
                "--fanout-sizes" => o with { FanoutSizes = [.. Next().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] },
                "--fanout-changes" => o with { FanoutChanges = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--self-check" => o with { SelfCheck = true },
                _ => throw new ArgumentException($"unknown option {args[i]}\n{Usage}"),
            };
        }
        return o;
    }
}

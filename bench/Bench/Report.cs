using System.Globalization;

namespace Bridge.Bench;

/// <summary>Collects every measurement, and prints the table the README quotes (medians over repetitions).</summary>
internal sealed class Report(BenchOptions options, string loadAverageAtStart, int cpus)
{
    public string LoadAverageAtStart { get; } = loadAverageAtStart;
    public int Cpus { get; } = cpus;
    public List<PhaseResult> WarmUp { get; } = [];
    public List<PhaseResult> Max { get; } = [];
    public List<PhaseResult> Latency { get; } = [];
    public List<PhaseResult> InfoLogging { get; } = [];
    public double PeakWorkingSetMiB { get; set; }
    public (double MaxMs, double TotalMs, int Pauses, int Gen0, int Gen1, int Gen2)? Gc { get; set; }
    public string? GcNote { get; set; }
    public long InfoLogBytes { get; set; }
    public long XmppUnknown { get; set; }
    public long SipUnknown { get; set; }
    public long SipFailures { get; set; }
    public long XmppStreamErrors { get; set; }
    public PresenceResult? Presence { get; set; }
    public List<FanoutResult>? Fanout { get; set; }
    /// <summary>Why the presence phase did not run, when it did not.</summary>
    public string PresenceNote { get; set; } = "not run";

    public long TotalLost => WarmUp.Concat(Max).Concat(Latency).Concat(InfoLogging).Sum(r => r.Lost) + (Presence?.Lost ?? 0);

    public double MedianRate(string label, string direction) => Median(Max.Where(r => r.Label == label && r.Direction == direction).Select(r => r.MessagesPerSecond));

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static readonly (string Label, string Direction, double Target, string TargetText)[] Rows =
    [
        ("max SIP->XMPP", LoadRunner.SipToXmpp, 16000, ">= 16000 (aim 24000)"),
        ("max XMPP->SIP", LoadRunner.XmppToSip, 40000, ">= 40000 (aim 60000)"),
        ("max both at once", LoadRunner.SipToXmpp, 12000, ">= 12000"),
        ("max both at once", LoadRunner.XmppToSip, 12000, ">= 12000"),
    ];

    public void Print(TextWriter w)
    {
        var c = CultureInfo.InvariantCulture;
        w.WriteLine();
        if (options.FanoutOnly)
        {
            w.WriteLine($"Bridge bench, fan-out only: load average at start {LoadAverageAtStart}, {Cpus} CPUs shared by the bridge and the bench");
            PrintFanout(w);
            return;
        }
        if (options.PresenceOnly)
        {
            w.WriteLine($"Bridge bench, presence only: load average at start {LoadAverageAtStart}, {Cpus} CPUs shared by the bridge and the bench");
            PrintPresence(w);
            w.WriteLine(string.Create(c, $"total lost: {TotalLost}"));
            return;
        }
        w.WriteLine($"Bridge bench: load average at start {LoadAverageAtStart}, {Cpus} CPUs shared by the bridge and the bench; " +
            $"{options.Repetitions} reps of {options.Duration.TotalSeconds:F0} s, windows SIP {options.SipWindow} / XMPP {options.XmppWindow}");
        w.WriteLine(string.Create(c, $"{"measurement",-28} {"direction",-10} {"msg/s (median)",15} {"min..max",15} {"target",-22} {"lost",5} {"errors",6} {"err+deliv",9} {"CPU bridge/bench %",18}"));
        foreach (var (label, direction, target, targetText) in Rows)
        {
            var reps = Max.Where(r => r.Label == label && r.Direction == direction).ToList();
            if (reps.Count == 0)
            {
                continue;
            }
            var median = Median(reps.Select(r => r.MessagesPerSecond));
            var verdict = median >= target ? "met" : "MISSED";
            w.WriteLine(string.Create(c,
                $"{label,-28} {direction,-10} {median,15:F0} {$"{reps.Min(r => r.MessagesPerSecond):F0}..{reps.Max(r => r.MessagesPerSecond):F0}",15} {targetText + " " + verdict,-22} {reps.Sum(r => r.Lost),5} {reps.Sum(r => r.Errors),6} {reps.Sum(r => r.ErrorButDelivered),9} {$"{Median(reps.Select(r => r.BridgeCpuPercent)):F0}/{Median(reps.Select(r => r.BenchCpuPercent)):F0}",18}"));
        }
        foreach (var r in InfoLogging)
        {
            w.WriteLine(string.Create(c,
                $"{"max, Information log",-28} {r.Direction,-10} {r.MessagesPerSecond,15:F0} {"(1 rep)",15} {"",-22} {r.Lost,5} {r.Errors,6} {r.ErrorButDelivered,9} {$"{r.BridgeCpuPercent:F0}/{r.BenchCpuPercent:F0}",18}"));
        }
        w.WriteLine();
        w.WriteLine(string.Create(c, $"{"added latency, open loop",-28} {"direction",-10} {"rate/s",8} {"p50 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"max ms",8} {"target",-16} {"lost",5} {"errors",6}"));
        foreach (var r in Latency)
        {
            var verdict = r.LatencyP99Ms <= 2 ? "met" : "MISSED";
            w.WriteLine(string.Create(c,
                $"{"at 50% of max",-28} {r.Direction,-10} {r.RateTarget,8:F0} {r.LatencyP50Ms,8:F3} {r.LatencyP99Ms,8:F3} {r.LatencyP999Ms,9:F3} {r.LatencyMaxMs,8:F1} {"p99 <= 2 ms " + verdict,-16} {r.Lost,5} {r.Errors,6}"));
        }
        w.WriteLine();
        w.WriteLine(string.Create(c, $"bridge peak working set (VmHWM): {PeakWorkingSetMiB:F1} MiB"));
        w.WriteLine(Gc is { } gc
            ? string.Create(c, $"bridge GC (EventPipe, whole Warning run): longest pause {gc.MaxMs:F2} ms, {gc.Pauses} pauses totalling {gc.TotalMs:F0} ms; gen0/1/2 GCs {gc.Gen0}/{gc.Gen1}/{gc.Gen2}")
            : $"bridge GC pause: {GcNote ?? "not measured"}");
        if (InfoLogBytes > 0)
        {
            w.WriteLine(string.Create(c, $"Information log written during run 2: {InfoLogBytes / 1048576.0:F1} MiB"));
        }
        w.WriteLine(string.Create(c, $"total lost (all phases incl. warm-up): {TotalLost}; arrivals for no tracked phase (late or retransmitted): XMPP {XmppUnknown}, SIP {SipUnknown}; XMPP stream errors: {XmppStreamErrors}"));
        w.WriteLine("errors = sender got a failure (SIP >= 300 or XMPP type='error'); err+deliv = of those, delivered anyway; lost = neither, after the drain");
        PrintPresence(w);
        PrintFanout(w);
    }

    private void PrintFanout(TextWriter w)
    {
        if (Fanout is null)
        {
            return;
        }
        var c = CultureInfo.InvariantCulture;
        w.WriteLine();
        w.WriteLine(string.Create(c, $"fan-out: N watchers at a.test of p@b.test, {options.FanoutChanges} presence changes each (per change: SIP link = NOTIFYs the SIP peer sent, XMPP link = presence stanzas a.test received)"));
        w.WriteLine("| N | mode | SIP dialogs | SIP NOTIFY / change | XMPP stanzas / change | watchers reached / change | of which with note | fan-out p50 | fan-out max | complete |");
        w.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Fanout)
        {
            w.WriteLine(string.Create(c, $"| {r.Watchers} | {r.Mode} | {r.SipDialogs} | {r.SipNotifiesPerChange:F1} | {r.XmppStanzasPerChange:F1} | {r.WatchersReachedPerChange:F1} | {r.WithNotePerChange:F1} | {r.FanoutMedianMs:F2} ms | {r.FanoutMaxMs:F2} ms | {r.Completed}/{r.Changes}{(r.Note is null ? "" : " " + r.Note)} |"));
        }
    }

    private void PrintPresence(TextWriter w)
    {
        if (Presence is { } presence)
        {
            presence.Print(w);
        }
        else
        {
            w.WriteLine();
            w.WriteLine($"presence: {PresenceNote}");
        }
    }

    public object ToJson() => new
    {
        LoadAverageAtStart,
        Cpus,
        Options = new { options.Duration.TotalSeconds, options.Repetitions, options.SipWindow, options.XmppWindow, BridgeAddress = options.BridgeAddress.ToString(), PeerAddress = options.PeerAddress.ToString() },
        Summary = Rows.Select(r => new { r.Label, r.Direction, MedianMessagesPerSecond = MedianRate(r.Label, r.Direction), Target = r.Target }),
        WarmUp,
        Max,
        Latency,
        InfoLogging,
        PeakWorkingSetMiB,
        Gc = Gc is { } g ? new { g.MaxMs, g.TotalMs, g.Pauses, g.Gen0, g.Gen1, g.Gen2 } : null,
        GcNote,
        InfoLogBytes,
        TotalLost,
        XmppUnknown,
        SipUnknown,
        SipFailures,
        XmppStreamErrors,
        Presence = Presence is { } p ? new
        {
            p.Requested,
            p.Warmup,
            p.Established,
            p.EstablishErrors,
            p.EstablishLost,
            p.EstablishSeconds,
            p.SubscriptionsPerSecond,
            p.RssBeforeMiB,
            p.RssAfterMiB,
            p.BytesPerSubscriptionRss,
            p.HeapBeforeMiB,
            p.HeapAfterMiB,
            p.BytesPerSubscriptionHeap,
            p.MedianUpdatesPerSecond,
            p.Updates,
            p.AnsweredNotDelivered,
            p.Unanswered,
            p.InitialPresences,
            p.SubscribesSeen,
            p.Resubscribes,
            p.NotifyFailures,
            p.NotifyRetransmissions,
            p.Mismatched,
            p.OtherStanzas,
            p.Unknown,
            p.Note,
        } : null,
        PresenceNote = Presence is null ? PresenceNote : null,
        Fanout,
    };
}

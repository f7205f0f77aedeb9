using System.Globalization;

namespace Bridge.Bench;

/// <summary>The presence phase: subscriptions established, the bridge's memory per held subscription, and SIP->XMPP update rates.</summary>
internal sealed class PresenceResult
{
    public int Requested { get; set; }
    public int Warmup { get; set; }
    /// <summary>`subscribed` stanzas received (distinct watchers), warm-up included.</summary>
    public long Established { get; set; }
    public long EstablishErrors { get; set; }
    /// <summary>SUBSCRIBEs with neither `subscribed` nor an error after the drain.</summary>
    public long EstablishLost { get; set; }
    /// <summary>From the first `subscribe` after the warm-up to the last `subscribed`.</summary>
    public double EstablishSeconds { get; set; } = double.NaN;
    public double SubscriptionsPerSecond => Requested > Warmup ? (Requested - Warmup) / EstablishSeconds : double.NaN;
    public double RssBeforeMiB { get; set; } = double.NaN;
    public double RssAfterMiB { get; set; } = double.NaN;
    public double HeapBeforeMiB { get; set; } = double.NaN;
    public double HeapAfterMiB { get; set; } = double.NaN;
    /// <summary>(VmRSS after N - VmRSS after the warm-up) / (N - warm-up): the headline figure.</summary>
    public double BytesPerSubscriptionRss => (RssAfterMiB - RssBeforeMiB) * 1048576 / Math.Max(1, Established - Warmup);
    /// <summary>Same with the managed heap size after the latest GC the bridge ran by itself (EventPipe GCHeapStats; no GC forced).</summary>
    public double BytesPerSubscriptionHeap => (HeapAfterMiB - HeapBeforeMiB) * 1048576 / Math.Max(1, Established - Warmup);
    public List<PhaseResult> Updates { get; } = [];
    /// <summary>NOTIFYs answered 2xx by the bridge whose presence stanza never reached the watcher (after the drain).</summary>
    public long AnsweredNotDelivered { get; set; }
    /// <summary>NOTIFYs never answered and never delivered (after timer E gave up or the drain ended).</summary>
    public long Unanswered { get; set; }
    public long InitialPresences { get; set; }
    public long SubscribesSeen { get; set; }
    public long Resubscribes { get; set; }
    public long NotifyFailures { get; set; }
    public long NotifyRetransmissions { get; set; }
    public long Mismatched { get; set; }
    public long OtherStanzas { get; set; }
    public long Unknown { get; set; }
    public string? Note { get; set; }

    public long Lost => EstablishLost + Updates.Sum(u => u.Lost);

    public double MedianUpdatesPerSecond
    {
        get
        {
            var v = Updates.Select(u => u.MessagesPerSecond).Order().ToArray();
            return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        }
    }

    public void Print(TextWriter w)
    {
        var c = CultureInfo.InvariantCulture;
        w.WriteLine();
        w.WriteLine(string.Create(c, $"presence (own bridge run, XMPP watcher w<i>@a.test -> SIP presentity p<i>@b.test, one SIP dialog each):"));
        if (Note is not null)
        {
            w.WriteLine($"  note: {Note}");
        }
        w.WriteLine(string.Create(c, $"  subscriptions: {Established} of {Requested} established ({EstablishErrors} errors, {EstablishLost} lost); {Requested - Warmup} after the warm-up in {EstablishSeconds:F1} s = {SubscriptionsPerSecond:F0}/s"));
        w.WriteLine(string.Create(c, $"  memory per held subscription (RSS-based): {BytesPerSubscriptionRss:F0} B  (VmRSS {RssBeforeMiB:F1} MiB after {Warmup} -> {RssAfterMiB:F1} MiB after {Established})"));
        w.WriteLine(string.Create(c, $"  managed heap after the bridge's latest GC (not forced): {HeapBeforeMiB:F1} -> {HeapAfterMiB:F1} MiB = {BytesPerSubscriptionHeap:F0} B per subscription"));
        w.WriteLine(string.Create(c, $"  {"updates SIP->XMPP",-20} {"updates/s",10} {"sent",8} {"lost",6} {"errors",6} {"dup",5} {"rexmit",7} {"p50 ms",8} {"p99 ms",8} {"CPU bridge/bench %",18}"));
        foreach (var u in Updates)
        {
            w.WriteLine(string.Create(c,
                $"  {u.Label,-20} {u.MessagesPerSecond,10:F0} {u.Sent,8} {u.Lost,6} {u.Errors,6} {u.Duplicates,5} {u.SipRetransmissions,7} {u.LatencyP50Ms,8:F2} {u.LatencyP99Ms,8:F2} {$"{u.BridgeCpuPercent:F0}/{u.BenchCpuPercent:F0}",18}"));
        }
        w.WriteLine(string.Create(c, $"  presence updates/s SIP->XMPP (median of {Updates.Count}): {MedianUpdatesPerSecond:F0}; answered 200 but no stanza: {AnsweredNotDelivered}; never answered: {Unanswered}"));
        w.WriteLine(string.Create(c, $"  initial presences {InitialPresences}; SUBSCRIBEs {SubscribesSeen} (+{Resubscribes} retransmitted); NOTIFY failures {NotifyFailures}, retransmissions {NotifyRetransmissions}; stanzas: from/to mismatched {Mismatched}, other types {OtherStanzas}, unknown {Unknown}"));
    }
}

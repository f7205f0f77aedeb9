using System.Diagnostics;
using System.Globalization;

namespace Bridge.Bench;

/// <summary>
/// The presence phase against a bridge with presence enabled: (1) the warm-up subscriptions, then the
/// bridge's VmRSS (and managed heap after its latest GC), then the rest up to N, then again; (2) closed-loop
/// NOTIFYs with changed PIDF notes over the held dialogs, counting an update delivered when its presence
/// stanza reaches the watcher. Both use a window of outstanding requests and a bounded drain.
/// </summary>
internal sealed class PresenceRunner(BenchOptions options, XmppPeer xmpp, SipPresenceServer server, PresenceBook book,
    int bridgePid, Func<double>? heapMiB)
{
    public const string Direction = "presence SIP->XMPP";
    private const int UpdateCapacity = 500_000;
    private const int Batch = 64;
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public PresenceResult Run()
    {
        var n = options.PresenceSubscriptions;
        var warm = Math.Clamp(options.PresenceWarmup, 1, n);
        var r = new PresenceResult { Requested = n, Warmup = warm };
        try
        {
            var (ok, _) = Establish(0, warm, r);
            Console.WriteLine($"  presence warm-up: {book.SubscribedCount} of {warm} subscribed");
            if (!ok || book.SubscribedCount == 0)
            {
                r.Note = $"the warm-up subscriptions did not complete ({book.SubscribedCount} subscribed, {book.Errors} errors): does this bridge have presence?";
                return r;
            }
            Thread.Sleep(Settle);
            r.RssBeforeMiB = BridgeProcess.WorkingSetMiB(bridgePid);
            r.HeapBeforeMiB = heapMiB?.Invoke() ?? double.NaN;
            if (n > warm)
            {
                (ok, r.EstablishSeconds) = Establish(warm, n - warm, r);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  presence: {book.SubscribedCount} of {n} subscribed, {n - warm} in {r.EstablishSeconds:F1} s"));
                if (!ok)
                {
                    r.Note = "establishing the subscriptions stalled";
                }
                Thread.Sleep(Settle);
            }
            r.RssAfterMiB = BridgeProcess.WorkingSetMiB(bridgePid);
            r.HeapAfterMiB = heapMiB?.Invoke() ?? double.NaN;
            var held = server.HeldDialogs();
            if (held.Length == 0)
            {
                r.Note = (r.Note is null ? "" : r.Note + "; ") + "no dialog held: no update measured";
                return r;
            }
            for (var rep = 1; rep <= options.Repetitions; rep++)
            {
                var u = Updates($"rep {rep}", held, options.PresenceDuration, r);
                r.Updates.Add(u);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  presence updates rep {rep}: {u.MessagesPerSecond:F0}/s sent {u.Sent} lost {u.Lost} err {u.Errors} dup {u.Duplicates} rexmit {u.SipRetransmissions} p99 {u.LatencyP99Ms:F2} ms CPU bridge {u.BridgeCpuPercent:F0}%"));
            }
            return r;
        }
        finally
        {
            r.Established = book.SubscribedCount;
            r.InitialPresences = book.InitialPresenceCount;
            r.Mismatched = book.Mismatched;
            r.OtherStanzas = book.Other;
            r.Unknown = book.Unknown + server.Unknown;
            r.SubscribesSeen = server.Subscribes;
            r.Resubscribes = server.Resubscribes;
            r.NotifyFailures = server.NotifyFailures;
            r.NotifyRetransmissions = server.Retransmissions;
        }
    }

    /// <summary>Watchers first..first+count-1 subscribe, window-limited; (all resolved, seconds from first send to last `subscribed`).</summary>
    private (bool Ok, double Seconds) Establish(int first, int count, PresenceResult r)
    {
        var t = new Tracker(LoadRunner.NextPhase(), "subscribe", count, options.PresenceWindow);
        book.EstablishBase = first;
        book.Establishing = t;
        server.InitialFailed = i => t.OnError(i - first);
        var batch = new int[Batch];
        var start = Stopwatch.GetTimestamp();
        var ok = true;
        while (t.Sent < count)
        {
            if (!t.WaitSlot(Stopwatch.GetTimestamp() + (long)(Stall.TotalSeconds * Stopwatch.Frequency)))
            {
                ok = false;
                break;
            }
            var k = 0;
            do
            {
                var seq = t.NextSeq();
                if (seq < 0)
                {
                    break;
                }
                batch[k++] = first + seq;
            }
            while (k < Batch && t.TryTakeSlot());
            if (k == 0)
            {
                break;
            }
            xmpp.SendSubscribes(batch.AsSpan(0, k));
        }
        WaitResolved(t);
        ok &= t.Resolved >= count;
        r.EstablishErrors += t.ErroredCount;
        r.EstablishLost += t.Sent - t.Resolved + (count - t.Sent);
        var last = t.LastResolvedAt == 0 ? Stopwatch.GetTimestamp() : t.LastResolvedAt;
        book.Establishing = null;
        server.InitialFailed = null;
        t.Retire();
        return (ok, Stopwatch.GetElapsedTime(start, last).TotalSeconds);
    }

    /// <summary>Closed loop of NOTIFYs round robin over <paramref name="held"/> for <paramref name="duration"/>, then a drain.</summary>
    private PhaseResult Updates(string label, int[] held, TimeSpan duration, PresenceResult r)
    {
        // Round robin with a window no larger than the dialogs: a dialog seldom has two NOTIFYs outstanding (CSeq order on retransmission).
        var t = new Tracker(LoadRunner.NextPhase(), Direction, UpdateCapacity, Math.Min(options.PresenceWindow, held.Length));
        server.StartUpdates(t, held);
        var bridgeCpu0 = CpuClock.Seconds(bridgePid);
        var benchCpu0 = CpuClock.Seconds(Environment.ProcessId);
        var retransmissions0 = server.Retransmissions;
        var drops0 = CpuClock.UdpReceiveBufferErrors();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (t.WaitSlot(deadline))
        {
            var seq = t.NextSeq();
            if (seq < 0)
            {
                break;
            }
            server.SendUpdate(t, seq);
        }
        while (Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(1);
        }
        var deliveredAtDeadline = t.DeliveredCount;
        var bridgeCpu = CpuClock.Seconds(bridgePid) - bridgeCpu0;
        var benchCpu = CpuClock.Seconds(Environment.ProcessId) - benchCpu0;
        WaitResolved(t);
        var drops = CpuClock.UdpReceiveBufferErrors() - drops0;
        for (var seq = 0; seq < t.Sent; seq++)
        {
            if (!t.IsResolved(seq))
            {
                if (t.IsAnswered(seq))
                {
                    r.AnsweredNotDelivered++;
                }
                else
                {
                    r.Unanswered++;
                }
            }
        }
        var lat = t.SortedLatenciesMs();
        var result = new PhaseResult(label, Direction, 0, deliveredAtDeadline / duration.TotalSeconds,
            t.Sent, t.DeliveredCount, t.ErroredCount, t.Sent - t.Resolved, t.Duplicates, t.Conflicts,
            Percentile(lat, 0.50), Percentile(lat, 0.99), Percentile(lat, 0.999), lat.Length == 0 ? double.NaN : lat[^1],
            100 * bridgeCpu / duration.TotalSeconds, 100 * benchCpu / duration.TotalSeconds,
            server.Retransmissions - retransmissions0, drops);
        server.StopUpdates();
        t.Retire();
        return result;
    }

    /// <summary>Waits until everything sent has an outcome, or nothing resolved for the drain time.</summary>
    private void WaitResolved(Tracker t)
    {
        var drain = (long)(options.Drain.TotalSeconds * Stopwatch.Frequency);
        var lastProgress = Stopwatch.GetTimestamp();
        var resolved = t.Resolved;
        while (t.Resolved < t.Sent)
        {
            Thread.Sleep(20);
            var now = Stopwatch.GetTimestamp();
            if (t.Resolved != resolved)
            {
                resolved = t.Resolved;
                lastProgress = now;
            }
            else if (now - lastProgress > drain)
            {
                return;
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

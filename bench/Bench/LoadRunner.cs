using System.Diagnostics;

namespace Bridge.Bench;

/// <summary>
/// Runs measurements through the bridge. Closed loop: each direction keeps a window of messages outstanding
/// (a slot frees when the far peer got the message or its sender got an error) for a fixed time; the rate is
/// what was delivered in that time. Open loop: messages leave at a fixed rate, for the latency figures.
/// After either, sending stops and the run waits (bounded) until every message is accounted for.
/// </summary>
internal sealed class LoadRunner(BenchOptions options, XmppPeer xmpp, SipPeer? sip, int bridgePid)
{
    public const string SipToXmpp = "SIP->XMPP";
    public const string XmppToSip = "XMPP->SIP";
    private const int Capacity = 800_000;
    private const int XmppBatch = 64;

    private static int s_phase;

    /// <summary>Closed loop in the given directions at once, for <paramref name="duration"/>.</summary>
    public List<PhaseResult> ClosedLoop(string label, bool sipToXmpp, bool xmppToSip, TimeSpan duration) =>
        Run(label, sipToXmpp, xmppToSip, duration, rate: 0);

    /// <summary>Open loop at <paramref name="rate"/> messages per second in one direction.</summary>
    public PhaseResult OpenLoop(string label, bool sipToXmppDirection, double rate, TimeSpan duration) =>
        Run(label, sipToXmppDirection, !sipToXmppDirection, duration, rate)[0];

    private List<PhaseResult> Run(string label, bool sipToXmpp, bool xmppToSip, TimeSpan duration, double rate)
    {
        var trackers = new List<Tracker>();
        var threads = new List<Thread>();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var bridgeCpu0 = CpuClock.Seconds(bridgePid);
        var benchCpu0 = CpuClock.Seconds(Environment.ProcessId);
        var retransmissions0 = sip?.Retransmissions ?? 0;
        var drops0 = CpuClock.UdpReceiveBufferErrors();
        if (sipToXmpp)
        {
            var t = new Tracker(NextPhase(), SipToXmpp, Capacity, rate > 0 ? 0 : options.SipWindow);
            sip!.Current = t;
            trackers.Add(t);
            threads.Add(Spawn(() => SendSip(t, deadline, rate)));
        }
        if (xmppToSip)
        {
            var t = new Tracker(NextPhase(), XmppToSip, Capacity, rate > 0 ? 0 : options.XmppWindow);
            trackers.Add(t);
            threads.Add(Spawn(() => SendXmpp(t, deadline, rate)));
        }
        SleepUntil(deadline);
        var deliveredAtDeadline = trackers.Select(t => t.DeliveredCount).ToArray();
        var bridgeCpu = CpuClock.Seconds(bridgePid) - bridgeCpu0;
        var benchCpu = CpuClock.Seconds(Environment.ProcessId) - benchCpu0;
        foreach (var thread in threads)
        {
            thread.Join();
        }
        var drainEnd = Stopwatch.GetTimestamp() + (long)(options.Drain.TotalSeconds * Stopwatch.Frequency);
        while (trackers.Any(t => t.Resolved < t.Sent) && Stopwatch.GetTimestamp() < drainEnd)
        {
            Thread.Sleep(20);
        }
        var drops = CpuClock.UdpReceiveBufferErrors() - drops0;
        var results = new List<PhaseResult>();
        for (var i = 0; i < trackers.Count; i++)
        {
            var t = trackers[i];
            var lat = t.SortedLatenciesMs();
            results.Add(new PhaseResult(
                label, t.Direction, rate,
                deliveredAtDeadline[i] / duration.TotalSeconds,
                t.Sent, t.DeliveredCount, t.ErroredCount, t.Sent - t.Resolved, t.Duplicates, t.Conflicts,
                Percentile(lat, 0.50), Percentile(lat, 0.99), Percentile(lat, 0.999), lat.Length == 0 ? double.NaN : lat[^1],
                100 * bridgeCpu / duration.TotalSeconds, 100 * benchCpu / duration.TotalSeconds,
                t.Direction == SipToXmpp ? sip!.Retransmissions - retransmissions0 : 0, drops));
            t.Retire();
        }
        if (sipToXmpp)
        {
            sip!.Current = null;
        }
        return results;
    }

    internal static int NextPhase() => Interlocked.Increment(ref s_phase) % 256;

    private static Thread Spawn(Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true, Name = "sender" };
        thread.Start();
        return thread;
    }

    private static void SleepUntil(long deadline)
    {
        while (true)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                return;
            }
            Thread.Sleep(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
        }
    }

    private void SendSip(Tracker t, long deadline, double rate)
    {
        if (rate > 0)
        {
            Paced(deadline, rate, n =>
            {
                for (var i = 0; i < n; i++)
                {
                    var seq = t.NextSeq();
                    if (seq < 0)
                    {
                        return false;
                    }
                    sip!.SendMessage(t, seq);
                }
                return true;
            });
            return;
        }
        while (t.WaitSlot(deadline))
        {
            var seq = t.NextSeq();
            if (seq < 0)
            {
                return;
            }
            sip!.SendMessage(t, seq);
        }
    }

    private void SendXmpp(Tracker t, long deadline, double rate)
    {
        var batch = new int[XmppBatch];
        if (rate > 0)
        {
            Paced(deadline, rate, n =>
            {
                while (n > 0)
                {
                    var k = 0;
                    while (k < Math.Min(n, XmppBatch))
                    {
                        var seq = t.NextSeq();
                        if (seq < 0)
                        {
                            return false;
                        }
                        batch[k++] = seq;
                    }
                    xmpp.SendMessages(t.Phase, batch.AsSpan(0, k));
                    n -= k;
                }
                return true;
            });
            return;
        }
        while (t.WaitSlot(deadline))
        {
            var k = 0;
            do
            {
                var seq = t.NextSeq();
                if (seq < 0)
                {
                    break;
                }
                batch[k++] = seq;
            }
            while (k < XmppBatch && t.TryTakeSlot());
            if (k == 0)
            {
                return;
            }
            xmpp.SendMessages(t.Phase, batch.AsSpan(0, k));
        }
    }

    /// <summary>Sends what the rate says is due every millisecond or so; <paramref name="send"/> returns false when full.</summary>
    private static void Paced(long deadline, double rate, Func<int, bool> send)
    {
        var start = Stopwatch.GetTimestamp();
        long sent = 0;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= deadline)
            {
                return;
            }
            var due = (long)(rate * (now - start) / Stopwatch.Frequency);
            if (due > sent)
            {
                if (!send((int)(due - sent)))
                {
                    return;
                }
                sent = due;
            }
            Thread.Sleep(1);
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

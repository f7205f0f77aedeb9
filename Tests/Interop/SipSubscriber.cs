using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bridge.Tests.Interop;

/// <summary>
/// A running sipp presence watcher (sipp/subscribe.xml): it sent one SUBSCRIBE and answers 200
/// to every NOTIFY; the test reads the NOTIFYs from its -trace_msg file.
/// </summary>
public sealed class SipSubscriber : IAsyncDisposable
{
    private readonly ManagedProcess _process;

    internal SipSubscriber(ManagedProcess process, IPEndPoint endPoint, string traceFile, SipSubscription subscription)
    {
        _process = process;
        EndPoint = endPoint;
        TraceFile = traceFile;
        Subscription = subscription;
    }

    public IPEndPoint EndPoint { get; }

    public string TraceFile { get; }

    public SipSubscription Subscription { get; }

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<SipTraceEntry> Trace() => SipTrace.Read(TraceFile);

    /// <summary>NOTIFY requests received so far, oldest first.</summary>
    public IReadOnlyList<SipTraceEntry> Notifies() =>
        [.. Trace().Where(e => e.Received && e.Method == "NOTIFY")];

    /// <summary>Final responses (>= 200) received to our SUBSCRIBEs so far, in order.</summary>
    public IReadOnlyList<int> SubscribeStatuses() =>
        [.. Trace().Where(e => e.Received && e.StatusCode >= 200
                               && (e.Header("CSeq") ?? "").EndsWith("SUBSCRIBE", StringComparison.Ordinal))
            .Select(e => e.StatusCode!.Value)];

    /// <summary>
    /// The first received NOTIFY matching the predicate (already received or to come), or null
    /// after the timeout. sipp only writes a file, so this polls it.
    /// </summary>
    public async Task<SipTraceEntry?> WaitForNotifyAsync(Func<SipTraceEntry, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var hit = Notifies().FirstOrDefault(predicate);
            if (hit is not null || DateTime.UtcNow > deadline)
            {
                return hit;
            }
            if (_process.HasExited)
            {
                // A last look: it may have traced the NOTIFY just before ending.
                return Notifies().FirstOrDefault(predicate);
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>The first final response to the initial SUBSCRIBE (after any 401/407 round), or null.</summary>
    public async Task<int?> WaitForSubscribeAnswerAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var final = SubscribeStatuses().Where(s => s is not 401 and not 407).Select(s => (int?)s).FirstOrDefault();
            if (final is not null || DateTime.UtcNow > deadline || _process.HasExited)
            {
                return final;
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Makes the scenario send the in-dialog SUBSCRIBE with Expires: 0: a request with method
    /// HARNESS and the dialog's Call-ID, sent over loopback to sipp's own port, drives the
    /// scenario to its unsubscribe step. Wait for the terminated NOTIFY afterwards.
    /// </summary>
    public async Task UnsubscribeAsync()
    {
        var callId = Trace().FirstOrDefault(e => !e.Received && e.Method == "SUBSCRIBE")?.Header("Call-ID")
            ?? throw new InvalidOperationException("the subscriber has not sent its SUBSCRIBE yet\n" + Diagnostics());
        var trigger =
            $"HARNESS sip:harness@{EndPoint} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP {EndPoint.Address}:9;branch=z9hG4bK{Guid.NewGuid():N}\r\n" +
            "From: <sip:harness@invalid>;tag=harness\r\n" +
            $"To: <{Subscription.FromUri}>\r\n" +
            $"Call-ID: {callId}\r\n" +
            "CSeq: 1 HARNESS\r\n" +
            "Content-Length: 0\r\n\r\n";
        using var udp = new UdpClient(new IPEndPoint(EndPoint.Address, 0));
        await udp.SendAsync(Encoding.ASCII.GetBytes(trigger), EndPoint).ConfigureAwait(false);
    }

    public string Diagnostics() =>
        $"sipp subscriber {Subscription.FromUri} -> {Subscription.ToUri} on {EndPoint}, trace:\n"
        + string.Join('\n', Trace()) + "\n" + _process.Tail(20);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// A sipp user agent (sipp/uas_message.xml) that answers every MESSAGE with 200 and
/// traces it; the test reads the MESSAGE requests it received.
/// </summary>
public sealed class SipUas : IAsyncDisposable
{
    private readonly ManagedProcess _process;

    internal SipUas(ManagedProcess process, IPEndPoint endPoint, string traceFile)
    {
        _process = process;
        EndPoint = endPoint;
        TraceFile = traceFile;
    }

    public IPEndPoint EndPoint { get; }

    public string TraceFile { get; }

    /// <summary>MESSAGE requests received so far.</summary>
    public IReadOnlyList<SipTraceEntry> ReceivedMessages() =>
        [.. SipTrace.Read(TraceFile).Where(e => e.Received && e.Method == "MESSAGE")];

    /// <summary>
    /// The first received MESSAGE matching the predicate, or null after the timeout. sipp
    /// only writes a file, so this polls it.
    /// </summary>
    public async Task<SipTraceEntry?> WaitForMessageAsync(Func<SipTraceEntry, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var hit = ReceivedMessages().FirstOrDefault(predicate);
            if (hit is not null || DateTime.UtcNow > deadline)
            {
                return hit;
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sipp UAS on {EndPoint} exited with {_process.ExitCode}\n{_process.Tail()}");
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    public string Diagnostics() =>
        "MESSAGEs received:\n" + string.Join('\n', ReceivedMessages()) + "\n" + _process.Tail(20);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

namespace Bridge.Tests.Interop;

/// <summary>The outcome of one sipp UAC run.</summary>
public sealed record SipResult(int ExitCode, IReadOnlyList<SipTraceEntry> Trace, string Log)
{
    /// <summary>Status codes of the responses received, in order.</summary>
    public IReadOnlyList<int> Statuses =>
        [.. Trace.Where(e => e.Received && e.StatusCode is not null).Select(e => e.StatusCode!.Value)];

    /// <summary>The last final (>= 200) response received, or null if none came.</summary>
    public int? FinalStatus => Statuses.Where(s => s >= 200).Select(s => (int?)s).LastOrDefault();

    public override string ToString() =>
        $"sipp exit {ExitCode}, statuses [{string.Join(", ", Statuses)}]\n" + string.Join('\n', Trace) + "\n" + Log;
}

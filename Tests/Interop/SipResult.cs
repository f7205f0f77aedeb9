namespace Bridge.Tests.Interop;

/// <summary>The outcome of one sipp UAC run.</summary>
public sealed record SipResult(int ExitCode, IReadOnlyList<SipTraceEntry> Trace, string Log)
{
    /// <summary>Status codes of the responses received, in order.</summary>
    public IReadOnlyList<int> Statuses =>
        [.. Trace.Where(e => e.Received && e.StatusCode is not null).Select(e => e.StatusCode!.Value)];

    /// <summary>The last final (>= 200) response received, or null if none came.</summary>
    public int? FinalStatus => Statuses.Where(s => s >= 200).Select(s => (int?)s).LastOrDefault();

    /// <summary>SIP-ETag of the last 2xx received (RFC 3903: the publication's entity tag), or null.</summary>
    public string? ETag =>
        Trace.LastOrDefault(e => e.Received && e.StatusCode is >= 200 and < 300)?.Header("SIP-ETag");

    public override string ToString() =>
        $"sipp exit {ExitCode}, statuses [{string.Join(", ", Statuses)}]\n" + string.Join('\n', Trace) + "\n" + Log;
}

namespace Bridge.Tests.Fuzz;

/// <summary>The outcome of one fuzz run over a range of iterations.</summary>
internal sealed record FuzzReport(string Target, int Seed, long Count, long FailureCount, IReadOnlyList<FuzzFailure> Failures, TimeSpan Elapsed)
{
    public double InputsPerSecond => Elapsed.TotalSeconds > 0 ? Count / Elapsed.TotalSeconds : 0;
}

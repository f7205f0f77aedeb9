using System.Diagnostics;

namespace Bridge.Tests.Fuzz;

/// <summary>
/// Runs a target over iterations [first, first + count). Iteration i gets its own <see cref="Random"/> derived
/// from (seed, i), so any single failure replays alone; the first iterations are the corpus entries unmutated.
/// Each input must finish within <see cref="HangLimit"/>: a guard against pathological backtracking or loops,
/// far above the microseconds an input normally takes.
/// </summary>
internal static class FuzzRunner
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(2);

    public static FuzzReport Run(IFuzzTarget target, int seed, long first, long count, int threads = 1, int keepFailures = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var failures = new List<FuzzFailure>();
        long failureCount = 0;
        var total = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, lane =>
        {
            for (var i = first + lane; i < first + count; i += threads)
            {
                if (RunOne(target, seed, i) is { } failure)
                {
                    lock (failures)
                    {
                        failureCount++;
                        if (failures.Count < keepFailures)
                        {
                            failures.Add(failure);
                        }
                    }
                }
            }
        });
        total.Stop();
        return new FuzzReport(target.Name, seed, count, failureCount, [.. failures.OrderBy(f => f.Iteration)], total.Elapsed);
    }

    /// <summary>The input of one iteration: a corpus entry as is for the first ones, then mutations.</summary>
    public static byte[] Input(IFuzzTarget target, Random rng, long iteration) =>
        iteration < target.Corpus.Count ? target.Corpus[(int)iteration] : Mutator.Mutate(rng, target.Corpus, target.Dialect);

    public static FuzzFailure? RunOne(IFuzzTarget target, int seed, long iteration)
    {
        var rng = new Random(IterationSeed(seed, iteration));
        var input = Input(target, rng, iteration);
        var clock = Stopwatch.StartNew();
        string? message = null;
        try
        {
            target.Check(input, rng);
        }
        catch (FuzzPropertyException e)
        {
            message = e.Message;
        }
#pragma warning disable CA1031 // Any exception escaping a parser is exactly what the fuzzer reports.
        catch (Exception e)
#pragma warning restore CA1031
        {
            message = "exception escaped: " + e;
        }
        clock.Stop();
        if (message is null && clock.Elapsed > HangLimit)
        {
            message = $"took {clock.ElapsedMilliseconds} ms, over the {HangLimit.TotalSeconds} s hang guard";
        }
        return message is null ? null : new FuzzFailure(target.Name, seed, iteration, message, input);
    }

    /// <summary>SplitMix64 of (seed, iteration): stable across runtimes, unlike HashCode.</summary>
    public static int IterationSeed(int seed, long iteration)
    {
        var z = unchecked(((ulong)(uint)seed << 40) ^ (ulong)iteration) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }
}

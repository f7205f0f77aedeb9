using System.Globalization;
using Bridge.Tests.Fuzz;

namespace Bridge.Bench.Fuzz;

/// <summary>
/// Long deterministic fuzz runs of the wire parsers:
/// <c>dotnet run -c Release --project bench/Fuzz -- --seed 1 --count 2000000 --target sip|xml|all [--first N] [--threads N] [--dump]</c>.
/// Prints inputs/s and the failures (seed, iteration, base64 input); exits 1 when any input failed.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var seed = 1;
        var count = 1_000_000L;
        var first = 0L;
        var target = "all";
        var threads = Environment.ProcessorCount;
        var dump = false;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] == "--dump")
            {
                // Prints the inputs of the range without running them, e.g. to look at one that hangs.
                dump = true;
                i--;
                continue;
            }
            if (i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"option {args[i]} needs a value");
                return 2;
            }
            var value = args[i + 1];
            switch (args[i])
            {
                case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--count": count = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--first": first = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--target": target = value; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }
        var targets = new List<IFuzzTarget>();
        if (target is "sip" or "all")
        {
            targets.Add(new SipFuzzTarget(SipCorpus.Load()));
        }
        if (target is "xml" or "all")
        {
            targets.Add(new XmlFuzzTarget(XmlCorpus.Load()));
        }
        if (targets.Count == 0)
        {
            Console.Error.WriteLine("--target must be sip, xml or all");
            return 2;
        }
        long failures = 0;
        foreach (var t in targets)
        {
            if (dump)
            {
                for (var n = first; n < first + count; n++)
                {
                    Console.WriteLine($"{t.Name} {n}: {Convert.ToBase64String(FuzzRunner.Input(t, new Random(FuzzRunner.IterationSeed(seed, n)), n))}");
                }
                continue;
            }
            var report = FuzzRunner.Run(t, seed, first, count, threads);
            failures += report.FailureCount;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Target}: seed {seed}, iterations {first}..{first + count - 1}, {threads} threads, {report.Elapsed.TotalSeconds:F1} s, {report.InputsPerSecond:F0} inputs/s, {report.FailureCount} failures"));
            foreach (var failure in report.Failures)
            {
                Console.WriteLine(failure);
                Console.WriteLine();
            }
        }
        return failures == 0 ? 0 : 1;
    }
}

namespace Bridge.Tests.Fuzz;

/// <summary>
/// Deterministic mutation fuzzing of both wire parsers (hostile input, part 5). Fixed seeds and counts, so a
/// failure repeats: its message names the seed and iteration and carries the input as base64. Longer runs:
/// <c>dotnet run -c Release --project bench/Fuzz -- --seed 1 --count 2000000 --target all</c>.
/// </summary>
[TestClass]
public sealed class ParserFuzzTests
{
    private const long Count = 3000;

    [TestMethod]
    [DataRow(1)]
    [DataRow(20260101)]
    public void SipParserKeepsItsPropertiesOnMutatedInput(int seed) =>
        AssertNoFailure(FuzzRunner.Run(new SipFuzzTarget(SipCorpus.Load()), seed, 0, Count));

    [TestMethod]
    [DataRow(1)]
    [DataRow(20260101)]
    public void XmlStreamReaderKeepsItsPropertiesOnMutatedInput(int seed) =>
        AssertNoFailure(FuzzRunner.Run(new XmlFuzzTarget(XmlCorpus.Load()), seed, 0, Count));

    [TestMethod]
    public void AnIterationReplaysTheSameInput()
    {
        var target = new SipFuzzTarget(SipCorpus.Load());
        for (var i = 0L; i < 200; i++)
        {
            var a = FuzzRunner.Input(target, new Random(FuzzRunner.IterationSeed(7, i)), i);
            var b = FuzzRunner.Input(target, new Random(FuzzRunner.IterationSeed(7, i)), i);
            CollectionAssert.AreEqual(a, b, $"iteration {i}");
        }
    }

    [TestMethod]
    public void TheCheckerReportsABrokenProperty()
    {
        // A target whose property always fails must come back as a failure with a replayable input.
        var report = FuzzRunner.Run(new BrokenTarget(), 3, 0, 5);

        Assert.AreEqual(5, report.FailureCount);
        StringAssert.Contains(report.Failures[0].ToString(), "seed=3 iteration=0");
        StringAssert.Contains(report.Failures[0].ToString(), Convert.ToBase64String("x"u8.ToArray()));
    }

    private static void AssertNoFailure(FuzzReport report)
    {
        Assert.AreEqual(0, report.FailureCount, $"{report.FailureCount} of {report.Count} inputs failed; first ones:\n{string.Join("\n\n", report.Failures)}");
    }

    private sealed class BrokenTarget : IFuzzTarget
    {
        public string Name => "broken";

        public FuzzDialect Dialect => FuzzDialect.Sip;

        public IReadOnlyList<byte[]> Corpus { get; } = ["x"u8.ToArray()];

        public void Check(byte[] input, Random rng) => throw new InvalidOperationException("always");
    }
}

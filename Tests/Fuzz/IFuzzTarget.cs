namespace Bridge.Tests.Fuzz;

/// <summary>One parser under fuzz: its seed corpus, how to mutate, and the properties every input must keep.</summary>
internal interface IFuzzTarget
{
    string Name { get; }

    FuzzDialect Dialect { get; }

    IReadOnlyList<byte[]> Corpus { get; }

    /// <summary>Runs the parser on <paramref name="input"/>; throws <see cref="FuzzPropertyException"/> when a property breaks.</summary>
    void Check(byte[] input, Random rng);
}

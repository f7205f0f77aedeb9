namespace Bridge.Tests.Fuzz;

/// <summary>One failing input, with what it takes to reproduce it: the seed and iteration regenerate it, the base64 is the bytes.</summary>
internal sealed record FuzzFailure(string Target, int Seed, long Iteration, string Message, byte[] Input)
{
    public override string ToString() =>
        $"{Target} seed={Seed} iteration={Iteration}: {Message}\ninput ({Input.Length} bytes, base64): {Convert.ToBase64String(Input)}";
}

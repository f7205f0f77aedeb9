namespace Bridge.Tests.Fuzz;

/// <summary>A fuzz property was broken; distinct from an exception escaping the parser itself.</summary>
internal sealed class FuzzPropertyException : Exception
{
    public FuzzPropertyException()
    {
    }

    public FuzzPropertyException(string message)
        : base(message)
    {
    }

    public FuzzPropertyException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzPropertyException(message);
        }
    }
}

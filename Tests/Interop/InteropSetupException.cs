namespace Bridge.Tests.Interop;

/// <summary>A real server or client of the interop harness could not start.</summary>
public sealed class InteropSetupException : Exception
{
    public InteropSetupException()
    {
    }

    public InteropSetupException(string message)
        : base(message)
    {
    }

    public InteropSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Bridge.Xmpp.Component;

/// <summary>An attempt to open the component stream failed; the reconnect pipeline retries it.</summary>
public sealed class ComponentConnectException : Exception
{
    public ComponentConnectException()
    {
    }

    public ComponentConnectException(string message)
        : base(message)
    {
    }

    public ComponentConnectException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

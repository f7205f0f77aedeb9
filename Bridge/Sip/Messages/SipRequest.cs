namespace Bridge.Sip;

public sealed class SipRequest : SipMessage
{
    public SipRequest(string method, string requestUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(requestUri);
        Method = method;
        RequestUri = requestUri;
    }

    /// <summary>Case-sensitive (RFC 3261 §7.1).</summary>
    public string Method { get; }

    public string RequestUri { get; set; }

    public override string ToString() => $"{Method} {RequestUri}";
}

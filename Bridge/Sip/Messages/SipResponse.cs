using System.Globalization;

namespace Bridge.Sip;

public sealed class SipResponse : SipMessage
{
    public SipResponse(int statusCode, string reasonPhrase)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        ArgumentNullException.ThrowIfNull(reasonPhrase);
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public bool IsProvisional => StatusCode < 200;

    public override string ToString() => $"{StatusCode.ToString(CultureInfo.InvariantCulture)} {ReasonPhrase}";
}

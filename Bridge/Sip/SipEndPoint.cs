using System.Net;

namespace Bridge.Sip;

/// <summary>A transport plus an address: where a SIP message came from or goes to.</summary>
public sealed record SipEndPoint(SipTransport Transport, IPEndPoint EndPoint)
{
    public override string ToString() => $"{Transport.ToString().ToUpperInvariant()}:{EndPoint}";
}

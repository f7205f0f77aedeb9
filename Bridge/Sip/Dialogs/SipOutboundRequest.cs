namespace Bridge.Sip;

/// <summary>
/// A request built by the dialog or event layer together with the URI of the next hop it must be sent to
/// (RFC 3261 §12.2.1.1, §8.1.2): the caller resolves that URI to a <see cref="SipEndPoint"/> and sends.
/// </summary>
public sealed record SipOutboundRequest(SipRequest Request, string NextHopUri);

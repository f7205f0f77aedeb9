namespace Bridge.Mapping.Errors;

/// <summary>A failed delivery.</summary>
/// <param name="Failure">The condition, in XMPP terms.</param>
/// <param name="Text">Human-readable detail (XMPP &lt;text/&gt;, SIP reason phrase); never shown as a body.</param>
/// <param name="SipStatus">The SIP status code that caused the failure, or the one to answer with, if known.</param>
/// <param name="IsPolicyRefusal">True when the bridge itself refused (peering policy), not the destination.</param>
public sealed record DeliveryError(DeliveryFailure Failure, string? Text = null, int? SipStatus = null, bool IsPolicyRefusal = false);

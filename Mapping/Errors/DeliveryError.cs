namespace Bridge.Mapping.Errors;

/// <summary>A failed delivery.</summary>
/// <param name="Failure">The condition, in XMPP terms.</param>
/// <param name="Text">Human-readable detail (XMPP &lt;text/&gt;, SIP reason phrase); never shown as a body.</param>
/// <param name="SipStatus">The SIP status code that caused the failure, or the one to answer with, if known.</param>
/// <param name="IsPolicyRefusal">True when the bridge itself refused (peering policy), not the destination.</param>
/// <param name="RetryAfter">Set when the bridge refused because the sender's domain is over its rate limit: when to try again.</param>
public sealed record DeliveryError(DeliveryFailure Failure, string? Text = null, int? SipStatus = null, bool IsPolicyRefusal = false, TimeSpan? RetryAfter = null)
{
    /// <summary>The refusal of a request over its domain's rate limit: resource-constraint (RFC 6120 §8.3.3.18, type wait), SIP 503 with Retry-After (RFC 3261 §21.5.4).</summary>
    public static DeliveryError RateLimited(string domain, string what, TimeSpan retryAfter) =>
        new(DeliveryFailure.ResourceConstraint, $"{domain} is sending {what} faster than the bridge allows", 503, RetryAfter: retryAfter);
}

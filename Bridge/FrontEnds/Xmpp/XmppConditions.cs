using Bridge.Mapping.Errors;

namespace Bridge.FrontEnds.Xmpp;

/// <summary>
/// Canonical failures ↔ RFC 6120 §8.3.3 condition element names. The canonical enum mirrors the XMPP
/// list one for one, so this is a naming table, not a semantic mapping.
/// </summary>
public static class XmppConditions
{
    public static string ToXmpp(DeliveryFailure failure) => failure switch
    {
        DeliveryFailure.BadRequest => "bad-request",
        DeliveryFailure.Conflict => "conflict",
        DeliveryFailure.FeatureNotImplemented => "feature-not-implemented",
        DeliveryFailure.Forbidden => "forbidden",
        DeliveryFailure.Gone => "gone",
        DeliveryFailure.InternalServerError => "internal-server-error",
        DeliveryFailure.ItemNotFound => "item-not-found",
        DeliveryFailure.AddressMalformed => "jid-malformed",
        DeliveryFailure.NotAcceptable => "not-acceptable",
        DeliveryFailure.NotAllowed => "not-allowed",
        DeliveryFailure.NotAuthorized => "not-authorized",
        DeliveryFailure.PolicyViolation => "policy-violation",
        DeliveryFailure.RecipientUnavailable => "recipient-unavailable",
        DeliveryFailure.Redirect => "redirect",
        DeliveryFailure.RegistrationRequired => "registration-required",
        DeliveryFailure.RemoteServerNotFound => "remote-server-not-found",
        DeliveryFailure.RemoteServerTimeout => "remote-server-timeout",
        DeliveryFailure.ResourceConstraint => "resource-constraint",
        DeliveryFailure.ServiceUnavailable => "service-unavailable",
        DeliveryFailure.SubscriptionRequired => "subscription-required",
        DeliveryFailure.UnexpectedRequest => "unexpected-request",
        _ => "undefined-condition",
    };

    /// <summary>An unknown name (or a legacy one) reads as <see cref="DeliveryFailure.UndefinedCondition"/>.</summary>
    public static DeliveryFailure FromXmpp(string? condition)
    {
        foreach (var failure in Enum.GetValues<DeliveryFailure>())
        {
            if (string.Equals(ToXmpp(failure), condition, StringComparison.Ordinal))
            {
                return failure;
            }
        }
        return DeliveryFailure.UndefinedCondition;
    }
}

namespace Bridge.Mapping.Errors;

/// <summary>
/// Error-condition mapping between SIP response codes and XMPP stanza error conditions
/// (RFC 7247 §7: §7.1 XMPP to SIP, §7.2 SIP to XMPP).
/// </summary>
public static class SipErrorMapping
{
    /// <summary>
    /// SIP final failure response -> XMPP condition (RFC 7247 §7.2). A code the table does not
    /// list is treated as the x00 code of its class, which is what RFC 3261 §8.1.3.2 tells a UAC to
    /// do with an unrecognized response (so 3xx -> redirect, 4xx -> bad-request, 5xx ->
    /// internal-server-error, 6xx -> service-unavailable). Anything outside 300..699 is not a
    /// failure response and yields <see cref="DeliveryFailure.UndefinedCondition"/>.
    /// </summary>
    public static DeliveryFailure FromSipStatus(int statusCode) => statusCode switch
    {
        300 => DeliveryFailure.Redirect,             // Multiple Choices
        301 => DeliveryFailure.Gone,                 // Moved Permanently
        302 => DeliveryFailure.Redirect,             // Moved Temporarily
        305 => DeliveryFailure.Redirect,             // Use Proxy
        380 => DeliveryFailure.Redirect,             // Alternative Service
        400 => DeliveryFailure.BadRequest,
        401 => DeliveryFailure.NotAuthorized,        // Unauthorized
        402 => DeliveryFailure.BadRequest,           // Payment Required (reserved)
        403 => DeliveryFailure.Forbidden,
        404 => DeliveryFailure.ItemNotFound,         // Not Found
        405 => DeliveryFailure.FeatureNotImplemented, // Method Not Allowed
        406 => DeliveryFailure.NotAcceptable,
        407 => DeliveryFailure.NotAuthorized,        // Proxy Authentication Required
        408 => DeliveryFailure.RemoteServerTimeout,  // Request Timeout
        410 => DeliveryFailure.Gone,
        413 => DeliveryFailure.PolicyViolation,      // Request Entity Too Large
        414 => DeliveryFailure.PolicyViolation,      // Request-URI Too Long
        415 => DeliveryFailure.NotAcceptable,        // Unsupported Media Type
        416 => DeliveryFailure.AddressMalformed,     // Unsupported URI Scheme
        420 => DeliveryFailure.FeatureNotImplemented, // Bad Extension
        421 => DeliveryFailure.NotAcceptable,        // Extension Required
        423 => DeliveryFailure.ResourceConstraint,   // Interval Too Brief
        430 => DeliveryFailure.RecipientUnavailable, // Flow Failed (RFC 5626)
        480 => DeliveryFailure.RecipientUnavailable, // Temporarily Unavailable
        481 => DeliveryFailure.ItemNotFound,         // Call/Transaction Does Not Exist
        482 => DeliveryFailure.NotAcceptable,        // Loop Detected
        483 => DeliveryFailure.NotAcceptable,        // Too Many Hops
        484 => DeliveryFailure.ItemNotFound,         // Address Incomplete
        485 => DeliveryFailure.ItemNotFound,         // Ambiguous
        486 => DeliveryFailure.RecipientUnavailable, // Busy Here
        487 => DeliveryFailure.ServiceUnavailable,   // Request Terminated
        488 => DeliveryFailure.NotAcceptable,        // Not Acceptable Here
        489 => DeliveryFailure.PolicyViolation,      // Bad Event (RFC 6665)
        491 => DeliveryFailure.UnexpectedRequest,    // Request Pending
        493 => DeliveryFailure.ServiceUnavailable,   // Undecipherable
        500 => DeliveryFailure.InternalServerError,  // Server Internal Error
        501 => DeliveryFailure.FeatureNotImplemented, // Not Implemented
        502 => DeliveryFailure.RemoteServerNotFound, // Bad Gateway
        503 => DeliveryFailure.ServiceUnavailable,
        504 => DeliveryFailure.RemoteServerTimeout,  // Server Time-out
        505 => DeliveryFailure.NotAcceptable,        // Version Not Supported
        513 => DeliveryFailure.PolicyViolation,      // Message Too Large
        600 => DeliveryFailure.ServiceUnavailable,   // Busy Everywhere
        603 => DeliveryFailure.ServiceUnavailable,   // Decline
        604 => DeliveryFailure.ItemNotFound,         // Does Not Exist Anywhere
        606 => DeliveryFailure.NotAcceptable,        // Not Acceptable
        >= 300 and <= 699 => FromSipStatus(statusCode / 100 * 100),
        _ => DeliveryFailure.UndefinedCondition,
    };

    /// <summary>
    /// XMPP stanza error condition -> SIP final response code (RFC 7247 §7.1). Where the RFC offers
    /// two codes, the one fitting a MESSAGE with no pending request and no known new address is chosen
    /// (noted per row).
    /// </summary>
    public static int ToSipStatus(DeliveryFailure failure) => failure switch
    {
        DeliveryFailure.BadRequest => 400,
        DeliveryFailure.Conflict => 400,
        DeliveryFailure.FeatureNotImplemented => 405,
        DeliveryFailure.Forbidden => 403,
        DeliveryFailure.Gone => 410,                 // 301 only when a new address is known; the model carries none
        DeliveryFailure.InternalServerError => 500,
        DeliveryFailure.ItemNotFound => 404,
        DeliveryFailure.AddressMalformed => 484,     // Address Incomplete
        DeliveryFailure.NotAcceptable => 406,
        DeliveryFailure.NotAllowed => 405,
        // 401 and 407 must carry a challenge (RFC 3261 §21.4.2, §21.4.8) that a gateway cannot
        // invent; a SIP front-end that has none should answer 403 instead.
        DeliveryFailure.NotAuthorized => 401,
        DeliveryFailure.PolicyViolation => 403,
        DeliveryFailure.RecipientUnavailable => 480,
        DeliveryFailure.Redirect => 302,
        DeliveryFailure.RegistrationRequired => 407,
        DeliveryFailure.RemoteServerNotFound => 404,
        DeliveryFailure.RemoteServerTimeout => 408,
        DeliveryFailure.ResourceConstraint => 500,
        DeliveryFailure.ServiceUnavailable => 503,
        DeliveryFailure.SubscriptionRequired => 400,
        DeliveryFailure.UndefinedCondition => 400,
        DeliveryFailure.UnexpectedRequest => 491,    // Request Pending
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, "unknown delivery failure"),
    };
}

namespace Bridge.Mapping.Errors;

/// <summary>Why a message was not delivered; the defined stanza error conditions of RFC 6120 §8.3.3.</summary>
public enum DeliveryFailure
{
    /// <summary>&lt;bad-request/&gt; (RFC 6120 §8.3.3.1).</summary>
    BadRequest,

    /// <summary>&lt;conflict/&gt; (§8.3.3.2).</summary>
    Conflict,

    /// <summary>&lt;feature-not-implemented/&gt; (§8.3.3.3).</summary>
    FeatureNotImplemented,

    /// <summary>&lt;forbidden/&gt; (§8.3.3.4).</summary>
    Forbidden,

    /// <summary>&lt;gone/&gt; (§8.3.3.5).</summary>
    Gone,

    /// <summary>&lt;internal-server-error/&gt; (§8.3.3.6).</summary>
    InternalServerError,

    /// <summary>&lt;item-not-found/&gt; (§8.3.3.7).</summary>
    ItemNotFound,

    /// <summary>&lt;jid-malformed/&gt; (§8.3.3.8).</summary>
    AddressMalformed,

    /// <summary>&lt;not-acceptable/&gt; (§8.3.3.9).</summary>
    NotAcceptable,

    /// <summary>&lt;not-allowed/&gt; (§8.3.3.10).</summary>
    NotAllowed,

    /// <summary>&lt;not-authorized/&gt; (§8.3.3.11).</summary>
    NotAuthorized,

    /// <summary>&lt;policy-violation/&gt; (§8.3.3.12).</summary>
    PolicyViolation,

    /// <summary>&lt;recipient-unavailable/&gt; (§8.3.3.13).</summary>
    RecipientUnavailable,

    /// <summary>&lt;redirect/&gt; (§8.3.3.14).</summary>
    Redirect,

    /// <summary>&lt;registration-required/&gt; (§8.3.3.15).</summary>
    RegistrationRequired,

    /// <summary>&lt;remote-server-not-found/&gt; (§8.3.3.16).</summary>
    RemoteServerNotFound,

    /// <summary>&lt;remote-server-timeout/&gt; (§8.3.3.17).</summary>
    RemoteServerTimeout,

    /// <summary>&lt;resource-constraint/&gt; (§8.3.3.18).</summary>
    ResourceConstraint,

    /// <summary>&lt;service-unavailable/&gt; (§8.3.3.19).</summary>
    ServiceUnavailable,

    /// <summary>&lt;subscription-required/&gt; (§8.3.3.20).</summary>
    SubscriptionRequired,

    /// <summary>&lt;undefined-condition/&gt; (§8.3.3.21).</summary>
    UndefinedCondition,

    /// <summary>&lt;unexpected-request/&gt; (§8.3.3.22).</summary>
    UnexpectedRequest,
}

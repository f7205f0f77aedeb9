namespace Bridge.Mapping.Configuration;

/// <summary>Which protocol a configured domain speaks. Config strings: "xmpp", "sip".</summary>
public enum DomainProtocol
{
    /// <summary>The domain's users are on an XMPP server.</summary>
    Xmpp,

    /// <summary>The domain's users are on a SIP server.</summary>
    Sip,
}

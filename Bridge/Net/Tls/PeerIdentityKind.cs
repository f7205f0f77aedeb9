namespace Bridge.Net.Tls;

/// <summary>Which RFC 6125 identifier rules apply to a peer.</summary>
public enum PeerIdentityKind
{
    XmppServer,
    SipDomain,
}

using Bridge.Net.Tls;
using Bridge.Xmpp.Xml;
using System.Xml.Linq;

namespace Bridge.Xmpp.Server;

/// <summary>
/// The outcome of opening an initiating stream: the peer's header and features of the current (possibly
/// post-TLS) stream, whether TLS is up and what we think of the peer's certificate; or why it failed.
/// </summary>
internal sealed record S2SOpening(XmlStreamHeader? Header, XElement? Features, string? Failure, PeerCertificateResult? PeerCertificate = null)
{
    public static S2SOpening Failed(string failure) => new(null, null, failure);
}

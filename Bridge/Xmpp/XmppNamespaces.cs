using System.Xml.Linq;

namespace Bridge.Xmpp;

/// <summary>XML namespaces of RFC 6120 and XEP-0220 used on server-to-server streams.</summary>
public static class XmppNamespaces
{
    public static readonly XNamespace Server = "jabber:server";
    public static readonly XNamespace Client = "jabber:client";
    public static readonly XNamespace Streams = "http://etherx.jabber.org/streams";
    public static readonly XNamespace Dialback = "jabber:server:dialback";
    public static readonly XNamespace DialbackFeatures = "urn:xmpp:features:dialback";
    public static readonly XNamespace StanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static readonly XNamespace StreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";
    public static readonly XNamespace Tls = "urn:ietf:params:xml:ns:xmpp-tls";
    public static readonly XNamespace Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
}

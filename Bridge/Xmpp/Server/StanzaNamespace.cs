using System.Xml.Linq;

namespace Bridge.Xmpp.Server;

/// <summary>Stanzas on S2S streams are qualified by jabber:server (RFC 6120 §4.8.3).</summary>
internal static class StanzaNamespace
{
    public static bool IsStanza(XElement element) =>
        (element.Name.Namespace == XmppNamespaces.Server || element.Name.Namespace == XmppNamespaces.Client)
        && element.Name.LocalName is "message" or "presence" or "iq";

    /// <summary>
    /// A copy in which elements with no namespace or jabber:client are moved to jabber:server, so callers
    /// may build stanzas without caring which stream content namespace they travel in. Below an element of
    /// another namespace nothing is moved (its unqualified children mean xmlns='').
    /// </summary>
    public static XElement ToServer(XElement stanza)
    {
        var copy = new XElement(stanza);
        foreach (var element in copy.DescendantsAndSelf())
        {
            var underStanzaContent = element.Parent is null || element.Parent.Name.Namespace == XmppNamespaces.Server;
            if (underStanzaContent && (element.Name.Namespace == XNamespace.None || element.Name.Namespace == XmppNamespaces.Client))
            {
                element.Name = XmppNamespaces.Server + element.Name.LocalName;
            }
            element.Attributes()
                .Where(a => a.IsNamespaceDeclaration && a.Value == XmppNamespaces.Client.NamespaceName)
                .Remove();
        }
        return copy;
    }
}

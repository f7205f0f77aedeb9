using System.Xml.Linq;
using Bridge.Xmpp.Server;

namespace Bridge.Xmpp.Component;

/// <summary>
/// Stanzas on a component stream are qualified by jabber:component:accept (XEP-0114 §3); the rest of the
/// bridge builds and reads them in jabber:server. These copies move the stanza and its unqualified-by-others
/// children between the two, leaving extension namespaces alone.
/// </summary>
internal static class ComponentNamespace
{
    public static readonly XNamespace Accept = "jabber:component:accept";

    public static bool IsStanza(XElement element) =>
        element.Name.Namespace == Accept && element.Name.LocalName is "message" or "presence" or "iq";

    public static XElement ToComponent(XElement stanza) => Move(StanzaNamespace.ToServer(stanza), XmppNamespaces.Server, Accept);

    public static XElement FromComponent(XElement stanza) => Move(stanza, Accept, XmppNamespaces.Server);

    private static XElement Move(XElement stanza, XNamespace from, XNamespace to)
    {
        var copy = new XElement(stanza);
        foreach (var element in copy.DescendantsAndSelf())
        {
            var underStanzaContent = element.Parent is null || element.Parent.Name.Namespace == to;
            if (underStanzaContent && element.Name.Namespace == from)
            {
                element.Name = to + element.Name.LocalName;
            }
            element.Attributes()
                .Where(a => a.IsNamespaceDeclaration && a.Value == from.NamespaceName)
                .Remove();
        }
        return copy;
    }
}

using System.Globalization;
using System.Xml.Linq;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Xmpp;

namespace Bridge.FrontEnds.Xmpp.Presence;

/// <summary>
/// A list's members → a XEP-0144 roster item exchange message from the list to the watcher: one
/// &lt;item action='add'&gt; per member, in a roster group named after the list, so the user's client
/// offers to add them (XEP-0144 §3.1: the receiving client asks the user; nothing is added silently). A
/// body says the same in words for clients without XEP-0144.
/// </summary>
public static class RosterItemExchange
{
    public static readonly XNamespace Namespace = "http://jabber.org/protocol/rosterx";

    /// <summary>The message, or null when no member can be written as a JID.</summary>
    public static XElement? Create(PresenceEvent members, string id)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (!XmppAddressMapping.TryToXmpp(members.From.Bare, out var list) || !XmppAddressMapping.TryToXmpp(members.To.Bare, out var watcher))
        {
            return null;
        }
        var group = members.From.Local ?? members.From.Domain;
        var x = new XElement(Namespace + "x");
        foreach (var member in members.Members)
        {
            if (!XmppAddressMapping.TryToXmpp(member.Address.Bare, out var jid))
            {
                continue;
            }
            var item = new XElement(Namespace + "item", new XAttribute("action", "add"), new XAttribute("jid", jid));
            if (member.DisplayName is { Length: > 0 } name)
            {
                item.Add(new XAttribute("name", name));
            }
            item.Add(new XElement(Namespace + "group", group));
            x.Add(item);
        }
        if (!x.HasElements)
        {
            return null;
        }
        var text = string.Create(CultureInfo.InvariantCulture, $"The list {list} has {x.Elements().Count()} member(s): {string.Join(", ", x.Elements().Select(i => (string?)i.Attribute("jid")))}. Add them to your contacts to see their presence.");
        return new XElement(XmppNamespaces.Server + "message",
            new XAttribute("from", list), new XAttribute("to", watcher), new XAttribute("id", id), new XAttribute("type", "normal"),
            new XElement(XmppNamespaces.Server + "body", text),
            x);
    }
}

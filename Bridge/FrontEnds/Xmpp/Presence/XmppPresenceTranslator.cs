using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Xml.Linq;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Xmpp;

namespace Bridge.FrontEnds.Xmpp.Presence;

/// <summary>
/// RFC 6121 §4.7 presence syntax ↔ canonical presence. Example:
/// <c>&lt;presence from='juliet@a.test/balcony' to='romeo@b.test' xml:lang='en'&gt;&lt;show&gt;dnd&lt;/show&gt;
/// &lt;status&gt;Meeting&lt;/status&gt;&lt;status xml:lang='de'&gt;Besprechung&lt;/status&gt;&lt;priority&gt;5&lt;/priority&gt;&lt;/presence&gt;</c>
/// ↔ source "balcony", Available, DoNotDisturb, status {en: "Meeting", de: "Besprechung"}, priority 5.
/// </summary>
public static class XmppPresenceTranslator
{
    private static readonly XName Lang = XNamespace.Xml + "lang";

    public static XmppPresenceTranslation FromXmpp(XElement stanza)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        var ns = stanza.Name.Namespace;
        var availability = (string?)stanza.Attribute("type") switch
        {
            null => PresenceAvailability.Available,
            "unavailable" => PresenceAvailability.Unavailable,
            // subscribe, subscribed, unsubscribe, unsubscribed, probe, error: no presence information.
            _ => (PresenceAvailability?)null,
        };
        if (availability is null)
        {
            return XmppPresenceTranslation.Nothing;
        }
        if (!XmppAddressMapping.TryFromXmpp((string?)stanza.Attribute("from") ?? "", out var from) || from.Local is null)
        {
            return XmppPresenceTranslation.Error("jid-malformed", "the 'from' address is not a user JID");
        }
        ChatAddress? to = null;
        if ((string?)stanza.Attribute("to") is { } toText && (!XmppAddressMapping.TryFromXmpp(toText, out to) || to.Local is null))
        {
            return XmppPresenceTranslation.Error("jid-malformed", "the 'to' address is not a user JID");
        }

        var shows = stanza.Elements(ns + "show").ToList();
        if (shows.Count > 1)
        {
            return XmppPresenceTranslation.Error("bad-request", "more than one <show/> (RFC 6121 §4.7.2.1)");
        }
        var show = PresenceShow.None;
        if (shows.Count == 1 && !TryShowFromXmpp(shows[0].Value, out show))
        {
            return XmppPresenceTranslation.Error("bad-request", $"<show/> value '{shows[0].Value}' is not away, chat, dnd or xa");
        }

        var stanzaLang = (string?)stanza.Attribute(Lang) ?? "";
        var status = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var s in stanza.Elements(ns + "status"))
        {
            var lang = (string?)s.Attribute(Lang) ?? stanzaLang;
            if (!status.TryAdd(lang, s.Value))
            {
                return XmppPresenceTranslation.Error("bad-request", $"two <status/> elements with xml:lang '{lang}' (RFC 6121 §4.7.2.2)");
            }
        }

        var priorities = stanza.Elements(ns + "priority").ToList();
        sbyte priority = 0;
        if (priorities.Count > 1
            || (priorities.Count == 1 && !sbyte.TryParse(priorities[0].Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority)))
        {
            return XmppPresenceTranslation.Error("bad-request", "<priority/> must be one integer from -128 to 127 (RFC 6121 §4.7.2.3)");
        }

        var source = new PresenceSource(
            Id: from.Resource ?? "",
            Availability: availability.Value,
            // RFC 6121 §4.7.2.1: show describes an available entity only.
            Show: availability == PresenceAvailability.Available ? show : PresenceShow.None,
            Status: status.ToImmutable(),
            Priority: priority);
        return new XmppPresenceTranslation(from, to, source);
    }

    /// <summary>One presence stanza per source, from the presentity's full JID for that source. False when an address is not expressible as a JID.</summary>
    public static bool TryToXmpp(PresenceDocument document, ChatAddress to, out ImmutableArray<XElement> stanzas)
    {
        ArgumentNullException.ThrowIfNull(document);
        stanzas = [];
        var list = ImmutableArray.CreateBuilder<XElement>(document.Sources.Length);
        foreach (var source in document.Sources)
        {
            var from = source.Id.Length > 0 ? document.Presentity.Bare with { Resource = source.Id } : document.Presentity.Bare;
            if (!TryToXmpp(source, from, to, out var stanza))
            {
                return false;
            }
            list.Add(stanza);
        }
        stanzas = list.MoveToImmutable();
        return true;
    }

    public static bool TryToXmpp(PresenceSource source, ChatAddress from, ChatAddress to, [NotNullWhen(true)] out XElement? stanza)
    {
        ArgumentNullException.ThrowIfNull(source);
        stanza = null;
        if (!XmppAddressMapping.TryToXmpp(from, out var fromJid) || !XmppAddressMapping.TryToXmpp(to, out var toJid))
        {
            return false;
        }
        var ns = XmppNamespaces.Server;
        stanza = new XElement(ns + "presence", new XAttribute("from", fromJid), new XAttribute("to", toJid));
        if (source.Availability == PresenceAvailability.Unavailable)
        {
            stanza.Add(new XAttribute("type", "unavailable"));
        }
        else if (ShowToXmpp(source.Show) is { } show)
        {
            stanza.Add(new XElement(ns + "show", show));
        }
        foreach (var (lang, text) in source.Status.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            stanza.Add(lang.Length == 0 ? new XElement(ns + "status", text) : new XElement(ns + "status", new XAttribute(Lang, lang), text));
        }
        if (source.Priority != 0)
        {
            stanza.Add(new XElement(ns + "priority", source.Priority.ToString(CultureInfo.InvariantCulture)));
        }
        return true;
    }

    /// <summary>RFC 6121 §4.7.2.1: exactly these four values; no whitespace, no case folding.</summary>
    private static bool TryShowFromXmpp(string value, out PresenceShow show)
    {
        show = value switch
        {
            "away" => PresenceShow.Away,
            "chat" => PresenceShow.Chat,
            "dnd" => PresenceShow.DoNotDisturb,
            "xa" => PresenceShow.ExtendedAway,
            _ => (PresenceShow)(-1),
        };
        return Enum.IsDefined(show);
    }

    private static string? ShowToXmpp(PresenceShow show) => show switch
    {
        PresenceShow.Away => "away",
        PresenceShow.Chat => "chat",
        PresenceShow.DoNotDisturb => "dnd",
        PresenceShow.ExtendedAway => "xa",
        _ => null,
    };
}

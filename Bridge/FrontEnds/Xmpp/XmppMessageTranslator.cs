using System.Diagnostics.CodeAnalysis;
using System.Xml.Linq;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Messages;
using Bridge.Xmpp;

namespace Bridge.FrontEnds.Xmpp;

/// <summary>
/// RFC 7572 page-mode mapping between message stanzas and the canonical message. Example:
/// <c>&lt;message from='alice@a.test/pc' to='bob@b.test' xml:lang='fr' id='m1' type='chat'&gt;
/// &lt;subject&gt;Hi&lt;/subject&gt;&lt;body&gt;Salut&lt;/body&gt;&lt;thread&gt;t1&lt;/thread&gt;&lt;/message&gt;</c>
/// ↔ InstantMessage(Id "m1", From alice@a.test/pc, To bob@b.test, Body "Salut", Subject "Hi",
/// Language "fr", Thread "t1", Kind Chat).
/// </summary>
public static class XmppMessageTranslator
{
    private static readonly XName Lang = XNamespace.Xml + "lang";

    public static XmppMessageTranslation FromXmpp(XElement stanza)
    {
        var ns = stanza.Name.Namespace;
        if (!XmppAddressMapping.TryFromXmpp((string?)stanza.Attribute("from") ?? "", out var from))
        {
            return XmppMessageTranslation.Error("jid-malformed", "the 'from' address is not a valid JID");
        }
        if (!XmppAddressMapping.TryFromXmpp((string?)stanza.Attribute("to") ?? "", out var to) || to.Local is null)
        {
            return XmppMessageTranslation.Error("jid-malformed", "the 'to' address is not a user JID");
        }
        var stanzaLang = (string?)stanza.Attribute(Lang);
        var body = PickByLanguage(stanza.Elements(ns + "body"), stanzaLang);
        if (body is null)
        {
            // Chat states, receipts and other body-less payloads carry no text to page across.
            return XmppMessageTranslation.Nothing;
        }
        var subject = PickByLanguage(stanza.Elements(ns + "subject"), stanzaLang);
        var message = new InstantMessage(
            Id: (string?)stanza.Attribute("id") is { Length: > 0 } id ? id : NewId(),
            From: from,
            To: to,
            Body: body.Value,
            Subject: subject?.Value,
            Language: (string?)body.Attribute(Lang) ?? stanzaLang,
            Thread: stanza.Element(ns + "thread")?.Value,
            Kind: KindFromXmpp((string?)stanza.Attribute("type")));
        return new XmppMessageTranslation(message);
    }

    /// <summary>False when an address cannot be written as a JID (XEP-0106 cannot express every SIP user part).</summary>
    public static bool TryToXmpp(InstantMessage message, [NotNullWhen(true)] out XElement? stanza)
    {
        stanza = null;
        if (!XmppAddressMapping.TryToXmpp(message.From, out var from) || !XmppAddressMapping.TryToXmpp(message.To, out var to))
        {
            return false;
        }
        var ns = XmppNamespaces.Server;
        stanza = new XElement(ns + "message",
            new XAttribute("from", from),
            new XAttribute("to", to),
            new XAttribute("id", message.Id),
            new XAttribute("type", KindToXmpp(message.Kind)));
        if (message.Language is { Length: > 0 } lang)
        {
            stanza.Add(new XAttribute(Lang, lang));
        }
        if (message.Subject is not null)
        {
            stanza.Add(new XElement(ns + "subject", message.Subject));
        }
        stanza.Add(new XElement(ns + "body", message.Body));
        if (message.Thread is { Length: > 0 } thread)
        {
            stanza.Add(new XElement(ns + "thread", thread));
        }
        return true;
    }

    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>RFC 6120 §8.2.1 / RFC 6121 §5.2.2: an absent or unknown type means normal.</summary>
    private static MessageKind KindFromXmpp(string? type) => type switch
    {
        "chat" => MessageKind.Chat,
        "headline" => MessageKind.Headline,
        "groupchat" => MessageKind.GroupChat,
        _ => MessageKind.Normal,
    };

    private static string KindToXmpp(MessageKind kind) => kind switch
    {
        MessageKind.Chat => "chat",
        MessageKind.Headline => "headline",
        MessageKind.GroupChat => "groupchat",
        _ => "normal",
    };

    /// <summary>
    /// RFC 6121 §5.2.3: several bodies may differ only by xml:lang. SIP carries one, so take the one in
    /// the stanza's default language, else the first.
    /// </summary>
    private static XElement? PickByLanguage(IEnumerable<XElement> candidates, string? stanzaLang)
    {
        XElement? first = null;
        foreach (var e in candidates)
        {
            first ??= e;
            var lang = (string?)e.Attribute(Lang);
            if (lang is null || string.Equals(lang, stanzaLang, StringComparison.OrdinalIgnoreCase))
            {
                return e;
            }
        }
        return first;
    }
}

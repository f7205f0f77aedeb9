using System.Collections.Frozen;
using System.Xml.Linq;

namespace Bridge.Xmpp;

/// <summary>Stanza errors of RFC 6120 §8.3.</summary>
public static class StanzaErrors
{
    /// <summary>
    /// RFC 6120 §8.3.3: the error type each defined condition "SHOULD" carry. Where the RFC offers two
    /// (feature-not-implemented: cancel or modify; policy-violation: modify or wait; unexpected-request:
    /// wait or modify) the first is used; undefined-condition allows any type and gets cancel.
    /// </summary>
    public static readonly FrozenDictionary<string, string> DefaultTypes = new Dictionary<string, string>
    {
        ["bad-request"] = "modify",
        ["conflict"] = "cancel",
        ["feature-not-implemented"] = "cancel",
        ["forbidden"] = "auth",
        ["gone"] = "cancel",
        ["internal-server-error"] = "cancel",
        ["item-not-found"] = "cancel",
        ["jid-malformed"] = "modify",
        ["not-acceptable"] = "modify",
        ["not-allowed"] = "cancel",
        ["not-authorized"] = "auth",
        ["policy-violation"] = "modify",
        ["recipient-unavailable"] = "wait",
        ["redirect"] = "modify",
        ["registration-required"] = "auth",
        ["remote-server-not-found"] = "cancel",
        ["remote-server-timeout"] = "wait",
        ["resource-constraint"] = "wait",
        ["service-unavailable"] = "cancel",
        ["subscription-required"] = "auth",
        ["undefined-condition"] = "cancel",
        ["unexpected-request"] = "wait",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// An error reply per RFC 6120 §8.3.1: same element name and id, 'from' and 'to' swapped,
    /// type='error', one &lt;error/&gt; with the condition's default type and an optional text.
    /// A message keeps its original children (§8.3.1 allows including the original payload), so the
    /// sender can tell which message bounced; iq and presence replies carry only the error.
    /// </summary>
    public static XElement CreateErrorReply(XElement stanza, string condition, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        ArgumentException.ThrowIfNullOrEmpty(condition);
        var ns = stanza.Name.Namespace;
        var reply = new XElement(stanza.Name);
        CopyAttribute(stanza, reply, "to", "from");
        CopyAttribute(stanza, reply, "from", "to");
        CopyAttribute(stanza, reply, "id", "id");
        reply.SetAttributeValue("type", "error");
        if (stanza.Name.LocalName == "message")
        {
            reply.Add(stanza.Elements().Where(e => e.Name != ns + "error").Select(e => new XElement(e)));
        }
        var error = new XElement(ns + "error",
            new XAttribute("type", DefaultTypes.GetValueOrDefault(condition, "cancel")),
            new XElement(XmppNamespaces.StanzaErrors + condition));
        if (text is not null)
        {
            error.Add(new XElement(XmppNamespaces.StanzaErrors + "text", new XAttribute(XNamespace.Xml + "lang", "en"), text));
        }
        reply.Add(error);
        return reply;
    }

    /// <summary>
    /// The condition, type and text of an error stanza (or of a dialback element of type='error'),
    /// or null when it carries none. RFC 6120 §8.3.2: an unknown condition is still returned by name.
    /// </summary>
    public static (string Condition, string? Type, string? Text)? Read(XElement errorStanza)
    {
        ArgumentNullException.ThrowIfNull(errorStanza);
        var error = errorStanza.Elements().FirstOrDefault(e => e.Name.LocalName == "error");
        if (error is null)
        {
            return null;
        }
        var condition = error.Elements().FirstOrDefault(e => e.Name.Namespace == XmppNamespaces.StanzaErrors && e.Name.LocalName != "text");
        if (condition is null)
        {
            return null;
        }
        var text = error.Element(XmppNamespaces.StanzaErrors + "text")?.Value;
        return (condition.Name.LocalName, (string?)error.Attribute("type"), text);
    }

    private static void CopyAttribute(XElement from, XElement to, string name, string asName)
    {
        if (from.Attribute(name) is { } attribute)
        {
            to.SetAttributeValue(asName, attribute.Value);
        }
    }
}

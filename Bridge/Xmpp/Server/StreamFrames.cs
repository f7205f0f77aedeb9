using System.Xml.Linq;

namespace Bridge.Xmpp.Server;

/// <summary>The textual pieces of an RFC 6120 §4 stream that are not whole elements.</summary>
internal static class StreamFrames
{
    public const string Close = "</stream:stream>";

    /// <summary>RFC 6120 §4.7 header of a jabber:server stream that declares dialback (XEP-0220 §2.4.1).</summary>
    public static string Open(string? from, string? to, string? id, bool version1)
    {
        var attributes = new List<string>();
        Add("from", from);
        Add("to", to);
        Add("id", id);
        if (version1)
        {
            Add("version", "1.0");
        }
        return "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback'"
            + " xmlns:stream='http://etherx.jabber.org/streams' " + string.Join(' ', attributes) + ">";

        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                attributes.Add(new XAttribute(name, value).ToString());
            }
        }
    }

    /// <summary>XEP-0220 §2.4.2: advertise dialback with error handling.</summary>
    public static XElement Features() => Features(starttls: false, tlsRequired: false, saslExternal: false, dialback: true);

    /// <summary>
    /// RFC 6120 §4.3.2 features: STARTTLS (§5.3.1, with &lt;required/&gt; when we insist), SASL EXTERNAL
    /// (§6.3.3, XEP-0178) and dialback (XEP-0220 §2.4.2).
    /// </summary>
    public static XElement Features(bool starttls, bool tlsRequired, bool saslExternal, bool dialback)
    {
        var features = new XElement(XmppNamespaces.Streams + "features", new XAttribute(XNamespace.Xmlns + "stream", XmppNamespaces.Streams));
        if (starttls)
        {
            features.Add(new XElement(XmppNamespaces.Tls + "starttls", tlsRequired ? new XElement(XmppNamespaces.Tls + "required") : null));
        }
        if (saslExternal)
        {
            features.Add(new XElement(XmppNamespaces.Sasl + "mechanisms", new XElement(XmppNamespaces.Sasl + "mechanism", "EXTERNAL")));
        }
        if (dialback)
        {
            features.Add(new XElement(XmppNamespaces.DialbackFeatures + "dialback", new XElement(XmppNamespaces.DialbackFeatures + "errors")));
        }
        return features;
    }

    /// <summary>True when the features offer the SASL mechanism EXTERNAL.</summary>
    public static bool OffersExternal(XElement? features) =>
        features?.Element(XmppNamespaces.Sasl + "mechanisms")?.Elements(XmppNamespaces.Sasl + "mechanism")
            .Any(m => string.Equals(m.Value.Trim(), "EXTERNAL", StringComparison.Ordinal)) == true;

    /// <summary>The SASL failure condition of a &lt;failure/&gt; (RFC 6120 §6.5).</summary>
    public static string ReadSaslFailure(XElement failure) =>
        failure.Elements().FirstOrDefault(e => e.Name.LocalName != "text")?.Name.LocalName ?? "undefined";

    /// <summary>RFC 6120 §4.9.2 stream error.</summary>
    public static XElement Error(string condition, string? text)
    {
        var error = new XElement(XmppNamespaces.Streams + "error",
            new XAttribute(XNamespace.Xmlns + "stream", XmppNamespaces.Streams),
            new XElement(XmppNamespaces.StreamErrors + condition));
        if (!string.IsNullOrEmpty(text))
        {
            error.Add(new XElement(XmppNamespaces.StreamErrors + "text", new XAttribute(XNamespace.Xml + "lang", "en"), text));
        }
        return error;
    }

    /// <summary>The condition of a received &lt;stream:error/&gt;.</summary>
    public static string ReadError(XElement error)
    {
        var condition = error.Elements().FirstOrDefault(e => e.Name.Namespace == XmppNamespaces.StreamErrors && e.Name.LocalName != "text");
        var text = error.Element(XmppNamespaces.StreamErrors + "text")?.Value;
        return (condition?.Name.LocalName ?? "undefined-condition") + (text is null ? "" : ": " + text);
    }
}

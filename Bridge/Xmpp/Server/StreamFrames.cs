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
    public static XElement Features() =>
        new(XmppNamespaces.Streams + "features",
            new XAttribute(XNamespace.Xmlns + "stream", XmppNamespaces.Streams),
            new XElement(XmppNamespaces.DialbackFeatures + "dialback", new XElement(XmppNamespaces.DialbackFeatures + "errors")));

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

using System.Xml.Linq;

namespace Bridge.Xmpp.Xml;

/// <summary>One event of an XML stream. Error events carry an RFC 6120 §4.9.3 stream error condition.</summary>
public sealed record XmlStreamEvent(
    XmlStreamEventKind Kind,
    XmlStreamHeader? Header = null,
    XElement? Element = null,
    string? ErrorCondition = null,
    string? ErrorText = null)
{
    public static XmlStreamEvent Start(XmlStreamHeader header) => new(XmlStreamEventKind.StreamStart, Header: header);
    public static XmlStreamEvent Stanza(XElement element) => new(XmlStreamEventKind.Element, Element: element);
    public static readonly XmlStreamEvent End = new(XmlStreamEventKind.StreamEnd);
    public static XmlStreamEvent Fail(string condition, string text) => new(XmlStreamEventKind.Error, ErrorCondition: condition, ErrorText: text);
}

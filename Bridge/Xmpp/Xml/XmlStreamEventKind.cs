namespace Bridge.Xmpp.Xml;

public enum XmlStreamEventKind
{
    StreamStart,
    Element,
    StreamEnd,
    Error,
}

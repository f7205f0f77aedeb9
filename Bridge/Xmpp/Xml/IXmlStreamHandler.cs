using System.Xml.Linq;

namespace Bridge.Xmpp.Xml;

/// <summary>Receives the events <see cref="XmlStreamReader.RunAsync"/> reads off a pipe.</summary>
public interface IXmlStreamHandler
{
    ValueTask OnStreamStartAsync(XmlStreamHeader header);

    ValueTask OnElementAsync(XElement element);

    ValueTask OnStreamEndAsync();

    /// <summary>The input broke a rule of RFC 6120 §4.9.3 or §11; the stream is dead after this.</summary>
    ValueTask OnErrorAsync(string condition, string text);

    /// <summary>The transport ended without a closing stream tag.</summary>
    ValueTask OnClosedAsync();
}

using System.Globalization;
using System.Text;
using System.Xml;

namespace Bridge.Sip.Simple;

/// <summary>Writes application/rlmi+xml (RFC 4662 §5) in UTF-8.</summary>
public static class RlmiWriter
{
    public static byte[] Write(RlmiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("list", RlmiParser.Namespace);
            xml.WriteAttributeString("uri", document.Uri);
            xml.WriteAttributeString("version", document.Version.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("fullState", document.FullState ? "true" : "false");
            WriteNames(xml, document.Names);
            foreach (var resource in document.Resources)
            {
                xml.WriteStartElement("resource", RlmiParser.Namespace);
                xml.WriteAttributeString("uri", resource.Uri);
                WriteNames(xml, resource.Names);
                foreach (var instance in resource.Instances)
                {
                    xml.WriteStartElement("instance", RlmiParser.Namespace);
                    xml.WriteAttributeString("id", instance.Id);
                    xml.WriteAttributeString("state", instance.State);
                    if (instance.Reason is not null)
                    {
                        xml.WriteAttributeString("reason", instance.Reason);
                    }
                    if (instance.ContentId is not null)
                    {
                        xml.WriteAttributeString("cid", instance.ContentId);
                    }
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return stream.ToArray();
    }

    private static void WriteNames(XmlWriter xml, IReadOnlyDictionary<string, string> names)
    {
        foreach (var (lang, name) in names.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            xml.WriteStartElement("name", RlmiParser.Namespace);
            if (lang.Length > 0)
            {
                xml.WriteAttributeString("xml", "lang", null, lang);
            }
            xml.WriteString(name);
            xml.WriteEndElement();
        }
    }
}

using System.Buffers;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Bridge.Xmpp.Xml;

/// <summary>
/// Parses one complete frame found by <see cref="XmlStreamReader"/>. Stateless: DTDs prohibited, no
/// resolver, no entity expansion; whatever XmlReader rejects is the stream error not-well-formed.
/// </summary>
internal static class XmlFrameParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Not the decoder's message: its byte index is relative to whichever buffer segment held the bad byte, so
    // the same stream would get a different error text depending on how it arrived (RFC 6120 §11.6: UTF-8 only).
    private static XmlStreamEvent InvalidUtf8 => XmlStreamEvent.Fail("not-well-formed", "invalid UTF-8");

    /// <summary>A stream header frame (the open tag, or a self-closed one) as the header event.</summary>
    public static XmlStreamEvent ParseHeader(ReadOnlySequence<byte> frame, bool empty, out string? rootName)
    {
        rootName = null;
        try
        {
            var text = StrictUtf8.GetString(frame);
            var name = StartTagName(text);
            var document = empty ? text : text + "</" + name + ">";
            using var reader = XmlReader.Create(new StringReader(document), ReaderSettings(ConformanceLevel.Document));
            reader.MoveToContent();
            var root = XElement.Load(reader, LoadOptions.None);
            var declarations = new Dictionary<string, string>(StringComparer.Ordinal);
            var attributes = new Dictionary<XName, string>();
            foreach (var attribute in root.Attributes())
            {
                if (attribute.IsNamespaceDeclaration)
                {
                    declarations[attribute.Name.Namespace == XNamespace.None ? "" : attribute.Name.LocalName] = attribute.Value;
                }
                else
                {
                    attributes[attribute.Name] = attribute.Value;
                }
            }
            rootName = name;
            return XmlStreamEvent.Start(new XmlStreamHeader(root.Name, root.GetDefaultNamespace(), declarations, attributes));
        }
        catch (XmlException e)
        {
            return XmlStreamEvent.Fail("not-well-formed", e.Message);
        }
        catch (DecoderFallbackException)
        {
            return InvalidUtf8;
        }
    }

    /// <summary>One complete top-level element, parsed in the namespace context the header declared.</summary>
    public static XmlStreamEvent ParseStanza(ReadOnlySequence<byte> frame, XmlStreamHeader header)
    {
        try
        {
            var text = StrictUtf8.GetString(frame);
            var names = new NameTable();
            var namespaces = new XmlNamespaceManager(names);
            foreach (var (prefix, ns) in header.NamespaceDeclarations)
            {
                namespaces.AddNamespace(prefix, ns);
            }
            var context = new XmlParserContext(names, namespaces, header.Attributes.GetValueOrDefault(XNamespace.Xml + "lang"), XmlSpace.None);
            using var reader = XmlReader.Create(new StringReader(text), ReaderSettings(ConformanceLevel.Fragment), context);
            reader.MoveToContent();
            var element = XElement.Load(reader, LoadOptions.None);
            while (reader.Read())
            {
                if (reader.NodeType is not (XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace))
                {
                    return XmlStreamEvent.Fail("not-well-formed", "trailing content after an element");
                }
            }
            DeclareInheritedPrefixes(element, header);
            return XmlStreamEvent.Stanza(element);
        }
        catch (XmlException e)
        {
            return XmlStreamEvent.Fail("not-well-formed", e.Message);
        }
        catch (DecoderFallbackException)
        {
            return InvalidUtf8;
        }
    }

    /// <summary>
    /// A stanza may use a prefix declared only on the stream header (db:, stream:). Loaded alone, the element
    /// knows the namespace but not the prefix, and XElement then writes it as the default namespace, which
    /// throws when the element also declares xmlns='...' itself (found by the fuzzer: &lt;db:verify xmlns=''&gt;).
    /// Declaring those prefixes on the stanza makes it self-contained, so it always serializes.
    /// </summary>
    private static void DeclareInheritedPrefixes(XElement element, XmlStreamHeader header)
    {
        foreach (var (prefix, ns) in header.NamespaceDeclarations)
        {
            if (prefix.Length == 0 || element.Attribute(XNamespace.Xmlns + prefix) is not null)
            {
                continue;
            }
            var used = element.DescendantsAndSelf().Any(e => e.Name.NamespaceName == ns
                || e.Attributes().Any(a => !a.IsNamespaceDeclaration && a.Name.NamespaceName == ns));
            if (used)
            {
                element.SetAttributeValue(XNamespace.Xmlns + prefix, ns);
            }
        }
    }

    private static XmlReaderSettings ReaderSettings(ConformanceLevel level) => new()
    {
        ConformanceLevel = level,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        IgnoreComments = false,
        IgnoreProcessingInstructions = false,
        CheckCharacters = true,
    };

    private static string StartTagName(string tag)
    {
        var end = 1;
        while (end < tag.Length && !char.IsWhiteSpace(tag[end]) && tag[end] is not '>' and not '/')
        {
            end++;
        }
        return tag[1..end];
    }
}

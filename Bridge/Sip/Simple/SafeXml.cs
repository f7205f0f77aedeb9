using System.Xml;
using System.Xml.Linq;

namespace Bridge.Sip.Simple;

/// <summary>
/// Loads an XML body from a peer the one safe way: DTDs refused (so no entity expansion bombs and no external
/// entities), nothing resolved, size bounded, comments and processing instructions dropped. Every failure is a
/// false return with a reason; bodies come from any peer.
/// </summary>
public static class SafeXml
{
    /// <summary>The root element of <paramref name="bytes"/>, or false with "malformed WHAT: reason".</summary>
    public static bool TryLoad(ReadOnlySpan<byte> bytes, int maxBytes, string what, out XElement root, out string? error)
    {
        root = null!;
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxBytes,
            MaxCharactersFromEntities = 1024, // 0 would mean "no limit"; with DTDs refused no entity can be declared anyway
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, settings);
            root = XDocument.Load(reader).Root!;
            error = null;
            return true;
        }
        catch (Exception e) when (e is XmlException or InvalidOperationException)
        {
            error = $"malformed {what}: " + e.Message;
            return false;
        }
    }
}

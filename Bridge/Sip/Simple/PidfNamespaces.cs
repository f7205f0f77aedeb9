using System.Xml.Linq;

namespace Bridge.Sip.Simple;

/// <summary>XML namespaces of PIDF (RFC 3863 §4), its data model (RFC 4479 §4) and RPID (RFC 4480 §2).</summary>
public static class PidfNamespaces
{
    public static readonly XNamespace Pidf = "urn:ietf:params:xml:ns:pidf";
    public static readonly XNamespace DataModel = "urn:ietf:params:xml:ns:pidf:data-model";
    public static readonly XNamespace Rpid = "urn:ietf:params:xml:ns:pidf:rpid";

    /// <summary>The media type of a PIDF body (RFC 3863 §8).</summary>
    public const string MediaType = "application/pidf+xml";
}

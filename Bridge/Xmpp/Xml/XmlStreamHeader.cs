using System.Xml.Linq;

namespace Bridge.Xmpp.Xml;

/// <summary>The opening &lt;stream:stream&gt; tag (RFC 6120 §4.7): its name, attributes and namespace declarations.</summary>
public sealed record XmlStreamHeader(
    XName Name,
    XNamespace DefaultNamespace,
    IReadOnlyDictionary<string, string> NamespaceDeclarations,
    IReadOnlyDictionary<XName, string> Attributes)
{
    public string? From => Attributes.GetValueOrDefault("from");
    public string? To => Attributes.GetValueOrDefault("to");
    public string? Id => Attributes.GetValueOrDefault("id");
    public string? Version => Attributes.GetValueOrDefault("version");

    /// <summary>RFC 6120 §4.7.5: a missing version means 0.9, which has no stream features.</summary>
    public bool IsVersion1OrLater =>
        Version is { } v && v.Split('.') is [var major, _] && int.TryParse(major, out var m) && m >= 1;

    /// <summary>True when the prefix is declared on the header bound to the namespace, e.g. xmlns:db for dialback.</summary>
    public bool Declares(XNamespace ns) => NamespaceDeclarations.Values.Contains(ns.NamespaceName);
}

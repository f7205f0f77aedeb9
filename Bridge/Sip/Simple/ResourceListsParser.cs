using System.Collections.Immutable;
using System.Xml;
using System.Xml.Linq;

namespace Bridge.Sip.Simple;

/// <summary>
/// Reads RFC 4826 resource-lists documents (§3.2): named lists of &lt;entry uri&gt; with optional
/// &lt;display-name&gt;. Nested lists are flattened into their parent; entry-ref and external (references to
/// other documents) are skipped, since resolving them would mean fetching. DTDs are refused.
/// </summary>
public static class ResourceListsParser
{
    public const string Namespace = "urn:ietf:params:xml:ns:resource-lists";

    private static readonly XNamespace Ns = Namespace;
    private static readonly XName Lang = XNamespace.Xml + "lang";

    /// <summary>Each top-level list by name, with its entries (uri, display names by language).</summary>
    public static bool TryParse(ReadOnlySpan<byte> document, out ImmutableDictionary<string, ImmutableArray<RlmiResource>> lists, out string? error)
    {
        lists = ImmutableDictionary<string, ImmutableArray<RlmiResource>>.Empty;
        if (!SafeXml.TryLoad(document, 1024 * 1024, "resource-lists document", out var root, out error))
        {
            return false;
        }
        if (root.Name != Ns + "resource-lists")
        {
            error = $"root is {root.Name}, not {{{Namespace}}}resource-lists";
            return false;
        }
        var builder = ImmutableDictionary.CreateBuilder<string, ImmutableArray<RlmiResource>>(StringComparer.Ordinal);
        foreach (var list in root.Elements(Ns + "list"))
        {
            if ((string?)list.Attribute("name") is not { Length: > 0 } name)
            {
                continue; // RFC 4826: name is optional, but an unnamed list cannot be addressed
            }
            var entries = list.Descendants(Ns + "entry")
                .Where(e => !string.IsNullOrEmpty((string?)e.Attribute("uri")))
                .Select(e => new RlmiResource((string)e.Attribute("uri")!,
                    e.Elements(Ns + "display-name").GroupBy(d => (string?)d.Attribute(Lang) ?? "").ToImmutableDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal),
                    []))
                .ToImmutableArray();
            builder.TryAdd(name, entries);
        }
        lists = builder.ToImmutable();
        error = null;
        return true;
    }
}

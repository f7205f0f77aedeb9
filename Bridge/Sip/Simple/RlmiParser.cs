using System.Collections.Immutable;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Bridge.Sip.Simple;

/// <summary>
/// Reads application/rlmi+xml (RFC 4662 §5). Stateless, no I/O, never throws for the content: DTDs are
/// refused (no entity expansion, nothing resolved) and the size is bounded, as for PIDF.
/// </summary>
public static class RlmiParser
{
    public const string Namespace = "urn:ietf:params:xml:ns:rlmi";

    public const string ContentType = "application/rlmi+xml";

    /// <summary>A list of a few thousand members fits; larger documents are refused.</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    private static readonly XNamespace Ns = Namespace;
    private static readonly XName Lang = XNamespace.Xml + "lang";

    public static bool TryParse(ReadOnlySpan<byte> body, out RlmiDocument? document, out string? error, int maxBytes = DefaultMaxBytes)
    {
        document = null;
        if (body.IsEmpty || body.Length > maxBytes)
        {
            error = body.IsEmpty ? "empty RLMI body" : $"RLMI body of {body.Length} bytes exceeds {maxBytes}";
            return false;
        }
        if (!SafeXml.TryLoad(body, maxBytes, "RLMI", out var root, out error))
        {
            return false;
        }
        if (root.Name != Ns + "list")
        {
            error = $"RLMI root is {root.Name}, not {{{Namespace}}}list";
            return false;
        }
        var uri = (string?)root.Attribute("uri");
        var fullState = (string?)root.Attribute("fullState");
        if (string.IsNullOrEmpty(uri)
            || !long.TryParse((string?)root.Attribute("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || fullState is not ("true" or "false" or "1" or "0"))
        {
            error = "RLMI <list> needs uri, version and fullState (RFC 4662 §5.2)";
            return false;
        }
        var resources = ImmutableArray.CreateBuilder<RlmiResource>();
        foreach (var resource in root.Elements(Ns + "resource"))
        {
            var resourceUri = (string?)resource.Attribute("uri");
            if (string.IsNullOrEmpty(resourceUri))
            {
                error = "RLMI <resource> without uri";
                return false;
            }
            var instances = ImmutableArray.CreateBuilder<RlmiInstance>();
            foreach (var instance in resource.Elements(Ns + "instance"))
            {
                var id = (string?)instance.Attribute("id");
                var state = (string?)instance.Attribute("state");
                if (string.IsNullOrEmpty(id) || state is not ("active" or "pending" or "terminated"))
                {
                    error = $"RLMI <instance> of {resourceUri} needs an id and a state of active, pending or terminated";
                    return false;
                }
                instances.Add(new RlmiInstance(id, state, (string?)instance.Attribute("reason"), (string?)instance.Attribute("cid")));
            }
            resources.Add(new RlmiResource(resourceUri, Names(resource), instances.ToImmutable()));
        }
        document = new RlmiDocument(uri, version, fullState is "true" or "1", Names(root), resources.ToImmutable());
        error = null;
        return true;
    }

    /// <summary>The &lt;name&gt; children by language; a repeated language keeps the first (it is display text only).</summary>
    private static ImmutableDictionary<string, string> Names(XElement parent)
    {
        var names = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var name in parent.Elements(Ns + "name"))
        {
            names.TryAdd((string?)name.Attribute(Lang) ?? "", name.Value);
        }
        return names.ToImmutable();
    }
}

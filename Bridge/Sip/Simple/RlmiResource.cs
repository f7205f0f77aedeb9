using System.Collections.Immutable;

namespace Bridge.Sip.Simple;

/// <summary>One &lt;resource&gt; of an RLMI list (RFC 4662 §5.2): a list member, with its display names and instances.</summary>
/// <param name="Uri">The member's URI.</param>
/// <param name="Names">Display names by xml:lang ("" when none given).</param>
/// <param name="Instances">Its instances; empty when the list server has no subscription to it yet.</param>
public sealed record RlmiResource(string Uri, ImmutableDictionary<string, string> Names, ImmutableArray<RlmiInstance> Instances);

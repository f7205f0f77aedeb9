using System.Collections.Immutable;

namespace Bridge.Sip.Simple;

/// <summary>
/// An application/rlmi+xml document (RFC 4662 §5): the list part of a list NOTIFY. With
/// <see cref="FullState"/> it lists every member; otherwise only the members that changed since version
/// <see cref="Version"/> - 1 (§5.2: a partial notification).
/// </summary>
/// <param name="Uri">The list's URI.</param>
/// <param name="Version">Increases by one per notification in the subscription; a gap means one was lost (§5.3).</param>
/// <param name="FullState">True for a full-state notification.</param>
/// <param name="Names">The list's display names by xml:lang.</param>
/// <param name="Resources">The members this notification speaks of.</param>
public sealed record RlmiDocument(string Uri, long Version, bool FullState, ImmutableDictionary<string, string> Names, ImmutableArray<RlmiResource> Resources);

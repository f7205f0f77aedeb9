using System.Collections.Immutable;
using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Presence;

/// <summary>
/// A member of a presence list (RFC 4662 resource list, RFC 4826 entry): its address and display names by
/// language ("" when none given). Protocol-free: on SIP it comes from RLMI, on XMPP it becomes a roster item.
/// </summary>
public sealed record ListMember(ChatAddress Address, ImmutableDictionary<string, string> Names)
{
    /// <summary>Names, never null.</summary>
    public ImmutableDictionary<string, string> Names { get; init; } = Names ?? ImmutableDictionary<string, string>.Empty;

    /// <summary>The name to show: the one without a language, else the first in ordinal order of language; null without any.</summary>
    public string? DisplayName => Names.TryGetValue("", out var plain) ? plain : Names.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => n.Value).FirstOrDefault();

    public bool Equals(ListMember? other) =>
        other is not null && Address == other.Address && Names.Count == other.Names.Count
        && Names.All(n => other.Names.TryGetValue(n.Key, out var v) && v == n.Value);

    public override int GetHashCode() => HashCode.Combine(Address, Names.Count);
}

using System.Collections.Immutable;
using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Presence.Rules;

/// <summary>
/// A presentity's rule set and what it grants a watcher: the matching rules combined (RFC 4745 §10: the maximum of
/// each permission, boolean transformations by OR), and the presence document transformed accordingly. No matching
/// rule means no permission: <see cref="SubHandling.Block"/> and nothing shown (RFC 4745 §10.2).
/// </summary>
public sealed record PresenceRules(ImmutableArray<PresenceRule> Rules)
{
    /// <summary>A rule set that allows nobody anything.</summary>
    public static PresenceRules Empty { get; } = new([]);

    /// <summary>What the rules grant <paramref name="watcher"/>.</summary>
    public PresenceGrant For(ChatAddress watcher)
    {
        var matching = Rules.Where(r => r.AppliesTo(watcher)).ToList();
        if (matching.Count == 0)
        {
            return PresenceGrant.Nothing;
        }
        return new PresenceGrant(
            matching.Select(r => r.SubHandling ?? SubHandling.Block).Max(),
            matching.Any(r => r.ProvideNote),
            matching.Any(r => r.ProvideActivities));
    }

    public bool Equals(PresenceRules? other) => other is not null && Rules.SequenceEqual(other.Rules);

    public override int GetHashCode() => Rules.Length;
}

using System.Collections.Immutable;
using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Presence;

/// <summary>
/// Everything known about one presentity's presence at one moment: one <see cref="PresenceSource"/>
/// per XMPP resource / PIDF tuple (RFC 8048 §6; RFC 4479 §3 "presentity" and its services).
/// </summary>
/// <param name="Presentity">The bare address whose presence this is.</param>
/// <param name="Sources">The sources, in the order the peer listed them.</param>
public sealed record PresenceDocument(ChatAddress Presentity, ImmutableArray<PresenceSource> Sources)
{
    /// <summary>Sources, never default.</summary>
    public ImmutableArray<PresenceSource> Sources { get; init; } = Sources.IsDefault ? [] : Sources;

    /// <summary>True when at least one source is available.</summary>
    public bool IsAvailable => Sources.Any(s => s.Availability == PresenceAvailability.Available);

    /// <summary>
    /// The aggregate view: the available source with the highest priority, the first listed among
    /// equals (RFC 6121 §8.5.2.1.1 delivers to the highest-priority resource the same way); null when
    /// no source is available. This is what a single-valued view (a PIDF &lt;person&gt;, a roster
    /// line) shows.
    /// </summary>
    public PresenceSource? Aggregate
    {
        get
        {
            PresenceSource? best = null;
            foreach (var s in Sources)
            {
                if (s.Availability == PresenceAvailability.Available && (best is null || s.Priority > best.Priority))
                {
                    best = s;
                }
            }
            return best;
        }
    }

    public bool Equals(PresenceDocument? other) =>
        other is not null && Presentity == other.Presentity && Sources.SequenceEqual(other.Sources);

    public override string ToString() => $"{Presentity} {{ {string.Join("; ", Sources)} }}";

    public override int GetHashCode() => HashCode.Combine(Presentity, Sources.Length);
}

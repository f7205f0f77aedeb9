using System.Collections.Immutable;

namespace Bridge.Mapping.Presence;

/// <summary>
/// One source of presence for a presentity: an XMPP resource, a PIDF tuple (RFC 4479 "service").
/// </summary>
/// <param name="Id">The XMPP resourcepart; on the SIP side the resource recovered from the tuple id. Empty when the source has no identity of its own.</param>
/// <param name="Availability">On/off.</param>
/// <param name="Show">Sub-state; meaningful only when <paramref name="Availability"/> is Available.</param>
/// <param name="Status">Human-readable status texts keyed by language tag (XMPP &lt;status xml:lang/&gt;, PIDF &lt;note xml:lang/&gt;); the key "" means "no language given".</param>
/// <param name="Priority">XMPP priority, -128..127 (RFC 6121 §4.7.2.3); 0 when the peer gave none.</param>
/// <param name="Activities">RPID activity names (RFC 4480 §3.2) that carried more than <paramref name="Show"/> expresses, kept so that nothing is dropped silently; a free-text &lt;other&gt; activity is written "other:" + its text.</param>
public sealed record PresenceSource(
    string Id,
    PresenceAvailability Availability,
    PresenceShow Show,
    ImmutableDictionary<string, string> Status,
    sbyte Priority = 0,
    ImmutableArray<string> Activities = default)
{
    /// <summary>Status texts, never null.</summary>
    public ImmutableDictionary<string, string> Status { get; init; } = Status ?? ImmutableDictionary<string, string>.Empty;

    /// <summary>Activities, never default.</summary>
    public ImmutableArray<string> Activities { get; init; } = Activities.IsDefault ? [] : Activities;

    /// <summary>An available source with no show, no status and priority 0.</summary>
    public static PresenceSource Online(string id) =>
        new(id, PresenceAvailability.Available, PresenceShow.None, ImmutableDictionary<string, string>.Empty);

    /// <summary>An unavailable source.</summary>
    public static PresenceSource Offline(string id) =>
        new(id, PresenceAvailability.Unavailable, PresenceShow.None, ImmutableDictionary<string, string>.Empty);

    /// <summary>Records compare arrays and dictionaries by reference; this compares their contents.</summary>
    public bool Equals(PresenceSource? other) =>
        other is not null
        && Id == other.Id
        && Availability == other.Availability
        && Show == other.Show
        && Priority == other.Priority
        && Status.Count == other.Status.Count
        && Status.All(kv => other.Status.TryGetValue(kv.Key, out var text) && text == kv.Value)
        && Activities.SequenceEqual(other.Activities);

    /// <summary>All fields with the status texts and activities spelled out, for logs and test failures.</summary>
    public override string ToString() =>
        $"{Id}: {Availability} {Show} prio {Priority} status [{string.Join(", ", Status.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value))}] activities [{string.Join(", ", Activities)}]";

    public override int GetHashCode() => HashCode.Combine(Id, Availability, Show, Priority, Status.Count, Activities.Length);
}

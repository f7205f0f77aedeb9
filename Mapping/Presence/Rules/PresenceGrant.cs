using System.Collections.Immutable;

namespace Bridge.Mapping.Presence.Rules;

/// <summary>What one watcher may see of one presentity (RFC 5025 §3.3: transformations), and whether it may subscribe.</summary>
public sealed record PresenceGrant(SubHandling SubHandling, bool ProvideNote, bool ProvideActivities)
{
    /// <summary>No rule applied: nothing allowed.</summary>
    public static PresenceGrant Nothing { get; } = new(SubHandling.Block, false, false);

    /// <summary>
    /// The document as this watcher may see it: availability always (the basic status is what a subscription is
    /// for), status texts only with provide-note, show and activities only with provide-activities (the show is
    /// derived from activities, RFC 8048 §6). Null when the watcher may see nothing at all.
    /// </summary>
    public PresenceDocument? Apply(PresenceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (SubHandling != SubHandling.Allow)
        {
            return null;
        }
        return document with
        {
            Sources = [.. document.Sources.Select(s => s with
            {
                Status = ProvideNote ? s.Status : ImmutableDictionary<string, string>.Empty,
                Show = ProvideActivities ? s.Show : PresenceShow.None,
                Activities = ProvideActivities ? s.Activities : [],
            })],
        };
    }
}

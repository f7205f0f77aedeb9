using System.Collections.Frozen;

namespace Bridge.Mapping.Presence;

/// <summary>
/// The meaning of RPID activities (RFC 4480 §3.2, the &lt;activities&gt; element of a person) in
/// terms of the XMPP &lt;show/&gt; states (RFC 6121 §4.7.2.1), both ways.
/// </summary>
/// <remarks>
/// <para>
/// SOURCE NOTE: the text of the RFC 8048 §6 tables was not reachable while this was written (only the
/// front page of the RFC was); the rows below follow our memory of RFC 8048 / RFC 7248 and of the
/// RFC 4480 activity list. Rows marked [RFC 8048, memory] are the ones we recall the RFC stating
/// (away ↔ away, dnd → busy, xa → away, chat → no activity); rows marked [ours] are our own reading
/// of the RFC 4480 definitions. Check them against the RFC text when it is at hand.
/// </para>
/// <para>
/// SIP → XMPP: an activity saying the person cannot be interrupted maps to dnd, one saying the person is
/// gone for long maps to xa, one saying the person stepped away briefly maps to away; the rest
/// (playing, tv, working, ...) say nothing about reachability and map to no show. With several
/// activities the most restrictive wins: dnd, then xa, then away.
/// </para>
/// </remarks>
public static class RpidActivityMapping
{
    private static readonly FrozenDictionary<string, PresenceShow> ToShow = new Dictionary<string, PresenceShow>(StringComparer.Ordinal)
    {
        ["away"] = PresenceShow.Away,                    // [RFC 8048, memory]
        ["busy"] = PresenceShow.DoNotDisturb,            // [RFC 8048, memory]
        ["on-the-phone"] = PresenceShow.DoNotDisturb,    // [ours]
        ["meeting"] = PresenceShow.DoNotDisturb,         // [ours]
        ["appointment"] = PresenceShow.DoNotDisturb,     // [ours]
        ["performance"] = PresenceShow.DoNotDisturb,     // [ours]
        ["presentation"] = PresenceShow.DoNotDisturb,    // [ours]
        ["steering"] = PresenceShow.DoNotDisturb,        // [ours] driving: must not be distracted
        ["worship"] = PresenceShow.DoNotDisturb,         // [ours]
        ["sleeping"] = PresenceShow.ExtendedAway,        // [ours]
        ["vacation"] = PresenceShow.ExtendedAway,        // [ours]
        ["holiday"] = PresenceShow.ExtendedAway,         // [ours]
        ["permanent-absence"] = PresenceShow.ExtendedAway, // [ours]
        ["travel"] = PresenceShow.ExtendedAway,          // [ours]
        ["breakfast"] = PresenceShow.Away,               // [ours]
        ["dinner"] = PresenceShow.Away,                  // [ours]
        ["meal"] = PresenceShow.Away,                    // [ours]
        ["shopping"] = PresenceShow.Away,                // [ours]
        ["in-transit"] = PresenceShow.Away,              // [ours]
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The activity names RFC 4480 §3.2 defines (plus "other", whose content is free text). Names outside
    /// this list are extensions a peer may send; they map to no show.
    /// </summary>
    public static IReadOnlySet<string> KnownActivities { get; } = new[]
    {
        "appointment", "away", "breakfast", "busy", "dinner", "holiday", "in-transit", "looking-for-work",
        "meal", "meeting", "on-the-phone", "other", "performance", "permanent-absence", "playing",
        "presentation", "shopping", "sleeping", "spectator", "steering", "travel", "tv", "unknown",
        "vacation", "working", "worship",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The show one RPID activity implies; <see cref="PresenceShow.None"/> when it implies none.</summary>
    public static PresenceShow FromRpid(string activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return ToShow.TryGetValue(activity, out var show) ? show : PresenceShow.None;
    }

    /// <summary>The show several activities imply: the most restrictive one (dnd, then xa, then away).</summary>
    public static PresenceShow FromRpid(IEnumerable<string> activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        var best = PresenceShow.None;
        foreach (var a in activities)
        {
            var show = FromRpid(a);
            if (Rank(show) > Rank(best))
            {
                best = show;
            }
        }
        return best;
    }

    /// <summary>
    /// The RPID activity that expresses a show; null for none and chat, which RPID has no activity for
    /// (RFC 8048: chat is plainly "open") [RFC 8048, memory].
    /// </summary>
    public static string? ToRpid(PresenceShow show) => show switch
    {
        PresenceShow.Away => "away",                // [RFC 8048, memory]
        PresenceShow.DoNotDisturb => "busy",        // [RFC 8048, memory]
        PresenceShow.ExtendedAway => "away",        // [RFC 8048, memory] RPID has no "extended" away
        _ => null,
    };

    private static int Rank(PresenceShow show) => show switch
    {
        PresenceShow.DoNotDisturb => 3,
        PresenceShow.ExtendedAway => 2,
        PresenceShow.Away => 1,
        _ => 0,
    };
}

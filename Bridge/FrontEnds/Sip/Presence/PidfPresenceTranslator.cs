using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Sip.Simple;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// RFC 8048 §6 mapping between a PIDF document (with RFC 4479 person and RFC 4480 activities) and the
/// canonical presence document. Example: a tuple "ID-pc" with basic open, note "In a meeting"
/// (xml:lang en), contact priority 0.5 and person activities &lt;rpid:busy/&gt; ↔ source "pc",
/// Available, DoNotDisturb, status {en: "In a meeting"}, priority 64.
/// </summary>
/// <remarks>
/// Table, as implemented (RFC 8048 §6 tables from memory; its text was not reachable, see
/// <see cref="RpidActivityMapping"/>):
/// <list type="bullet">
/// <item>XMPP resource ↔ tuple id (<see cref="TupleIds"/>).</item>
/// <item>available / unavailable ↔ &lt;basic&gt;open / closed; a tuple without &lt;basic&gt; counts as unavailable.</item>
/// <item>&lt;show/&gt; ↔ RPID activities of the person (<see cref="RpidActivityMapping"/>), which apply to
/// every open tuple; when several sources exist each tuple also carries its own in &lt;status&gt; (an
/// extension point RFC 3863 §4.1.4 allows) so that every resource keeps its show.</item>
/// <item>&lt;status xml:lang/&gt; ↔ tuple &lt;note xml:lang/&gt; (else person notes, else document notes).</item>
/// <item>&lt;priority/&gt; 0..127 ↔ contact priority 0..1 as p/127 to three decimals; a negative priority
/// is not mapped (RFC 8048, from memory: "MUST NOT map" a negative value), so it reads back as 0.</item>
/// </list>
/// </remarks>
public static class PidfPresenceTranslator
{
    /// <summary>
    /// Bridge convention: RPID has no activity for XMPP "chat" and says "away" for both away and "xa",
    /// so to keep these apart across a round trip the bridge adds &lt;rpid:other&gt; with the XMPP token.
    /// A SIP watcher sees it as an extra free-text activity.
    /// </summary>
    private const string OtherChat = "chat";
    private const string OtherExtendedAway = "xa";

    private const decimal PriorityScale = 127m;

    private const string Unknown = "unknown";

    public static PresenceDocument FromSip(PidfDocument pidf, ChatAddress presentity)
    {
        ArgumentNullException.ThrowIfNull(pidf);
        ArgumentNullException.ThrowIfNull(presentity);
        var personActivities = pidf.Person?.Activities ?? [];
        var fallbackNotes = pidf.Person is { Notes.Length: > 0 } person ? person.Notes : pidf.Notes;
        var sources = pidf.Tuples.Select(t => FromSipTuple(t, personActivities, fallbackNotes)).ToImmutableArray();
        return new PresenceDocument(presentity.Bare, sources);
    }

    public static PidfDocument ToSip(PresenceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var perTuple = document.Sources.Length > 1;
        var tuples = document.Sources.Select(s => ToSipTuple(document.Presentity, s, perTuple)).ToImmutableArray();
        var aggregate = document.Aggregate;
        var person = new PidfPerson(
            Id: "p-" + TupleIds.FromResource(document.Presentity.Local ?? ""),
            Activities: aggregate is null ? [] : ActivitiesToSip(aggregate));
        return new PidfDocument(SipAddressMapping.ToSip(document.Presentity.Bare), tuples, Person: person);
    }

    /// <summary>Contact priority (0..1) → XMPP priority (0..127).</summary>
    public static sbyte PriorityFromSip(decimal? priority) =>
        priority is { } p ? (sbyte)decimal.Round(Math.Clamp(p, 0m, 1m) * PriorityScale, MidpointRounding.AwayFromZero) : (sbyte)0;

    /// <summary>XMPP priority → contact priority; null for a negative priority, which is not mapped.</summary>
    public static decimal? PriorityToSip(sbyte priority) =>
        priority < 0 ? null : decimal.Round(priority / PriorityScale, 3, MidpointRounding.AwayFromZero);

    private static PresenceSource FromSipTuple(PidfTuple tuple, ImmutableArray<PidfActivity> personActivities, ImmutableArray<PidfNote> fallbackNotes)
    {
        var available = tuple.Basic == PidfBasic.Open;
        // The person's activities describe what the user does while reachable; a closed tuple keeps only its own.
        var activities = tuple.Activities.Length > 0 ? tuple.Activities : available ? personActivities : [];
        var show = available ? ShowFromSip(activities) : PresenceShow.None;
        var mappedBack = RpidActivityMapping.ToRpid(show);
        var extra = activities
            // RFC 4480 "unknown" says nothing; the bridge writes it for a resource without show.
            .Where(a => !IsBridgeHint(a) && a.Name != mappedBack && a.Name != Unknown)
            .Select(a => a.Name == "other" ? "other:" + a.Text : a.Name)
            .Distinct(StringComparer.Ordinal)
            .ToImmutableArray();
        return new PresenceSource(
            Id: TupleIds.ToResource(tuple.Id),
            Availability: available ? PresenceAvailability.Available : PresenceAvailability.Unavailable,
            Show: show,
            Status: StatusFromSip(tuple.Notes.Length > 0 ? tuple.Notes : fallbackNotes),
            Priority: PriorityFromSip(tuple.ContactPriority),
            Activities: extra);
    }

    private static PresenceShow ShowFromSip(ImmutableArray<PidfActivity> activities)
    {
        foreach (var a in activities)
        {
            if (a is { Name: "other", Text: OtherChat })
            {
                return PresenceShow.Chat;
            }
            if (a is { Name: "other", Text: OtherExtendedAway })
            {
                return PresenceShow.ExtendedAway;
            }
        }
        return RpidActivityMapping.FromRpid(activities.Where(a => a.Name != "other").Select(a => a.Name));
    }

    private static bool IsBridgeHint(PidfActivity a) => a is { Name: "other", Text: OtherChat or OtherExtendedAway };

    /// <summary>
    /// One text per language; notes repeating a language are joined by a line break (RFC 6121 §4.7.2.2
    /// allows one status per language, and dropping the rest would lose them silently).
    /// </summary>
    private static ImmutableDictionary<string, string> StatusFromSip(ImmutableArray<PidfNote> notes)
    {
        var status = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var n in notes)
        {
            var lang = n.Language ?? "";
            status[lang] = status.TryGetValue(lang, out var earlier) ? earlier + "\n" + n.Text : n.Text;
        }
        return status.ToImmutable();
    }

    private static PidfTuple ToSipTuple(ChatAddress presentity, PresenceSource source, bool perTupleActivities)
    {
        var endpoint = source.Id.Length > 0 ? presentity.Bare with { Resource = source.Id } : presentity.Bare;
        return new PidfTuple(
            Id: TupleIds.FromResource(source.Id),
            Basic: source.Availability == PresenceAvailability.Available ? PidfBasic.Open : PidfBasic.Closed,
            Contact: SipAddressMapping.ToSip(endpoint),
            ContactPriority: PriorityToSip(source.Priority),
            Notes: source.Status
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new PidfNote(kv.Value, kv.Key.Length == 0 ? null : kv.Key))
                .ToImmutableArray(),
            Activities: TupleActivities(source, perTupleActivities));
    }

    /// <summary>
    /// With several resources each tuple states its own show, "unknown" for none so that the person's
    /// activities (the aggregate's) are not read into it; a closed tuple carries only activities kept
    /// from SIP, since the person's do not apply to it.
    /// </summary>
    private static ImmutableArray<PidfActivity> TupleActivities(PresenceSource source, bool perTuple)
    {
        if (source.Availability == PresenceAvailability.Unavailable)
        {
            return ActivitiesToSip(source);
        }
        if (!perTuple)
        {
            return [];
        }
        var own = ActivitiesToSip(source);
        return own.IsEmpty ? [new PidfActivity(Unknown)] : own;
    }

    private static ImmutableArray<PidfActivity> ActivitiesToSip(PresenceSource source)
    {
        var list = new List<PidfActivity>();
        if (RpidActivityMapping.ToRpid(source.Show) is { } name)
        {
            list.Add(new PidfActivity(name));
        }
        if (source.Show == PresenceShow.Chat)
        {
            list.Add(new PidfActivity("other", OtherChat));
        }
        else if (source.Show == PresenceShow.ExtendedAway)
        {
            list.Add(new PidfActivity("other", OtherExtendedAway));
        }
        foreach (var extra in source.Activities)
        {
            var activity = extra.StartsWith("other:", StringComparison.Ordinal)
                ? new PidfActivity("other", extra["other:".Length..])
                : new PidfActivity(extra);
            // Only names that are XML NCNames can be written as RPID elements; anything else goes as free text.
            if (activity.Name != "other" && !IsNcName(activity.Name))
            {
                activity = new PidfActivity("other", extra);
            }
            if (!list.Contains(activity))
            {
                list.Add(activity);
            }
        }
        return [.. list];
    }

    private static bool IsNcName(string name)
    {
        try
        {
            return System.Xml.XmlConvert.VerifyNCName(name) == name;
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }
}

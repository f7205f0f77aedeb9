using System.Collections.Immutable;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Bridge.Sip.Simple;

/// <summary>
/// Reads an application/pidf+xml body (RFC 3863) with RFC 4479 person/device and RFC 4480 activities.
/// Stateless, no I/O: the body is complete when a SIP message is (Content-Length framing).
/// </summary>
/// <remarks>
/// Bodies come from any SIP peer, so the reader refuses DTDs outright (which rules out entity
/// expansion bombs and external entities), resolves nothing, and bounds the input size; every
/// failure becomes a <see cref="PidfParseResult"/> error, never an exception. Unknown elements of
/// other namespaces are skipped (RFC 3863 §4.1: extensions a recipient does not understand are ignored).
/// </remarks>
public static class PidfParser
{
    /// <summary>Default upper bound of a body; a presence document for a handful of devices is a few kilobytes.</summary>
    public const int DefaultMaxBytes = 64 * 1024;

    private static readonly XName Lang = XNamespace.Xml + "lang";

    public static PidfParseResult Parse(ReadOnlySpan<byte> body, int maxBytes = DefaultMaxBytes)
    {
        if (body.Length > maxBytes)
        {
            return PidfParseResult.Fail($"PIDF body of {body.Length} bytes exceeds the {maxBytes}-byte limit");
        }
        if (body.IsEmpty)
        {
            return PidfParseResult.Fail("empty PIDF body");
        }
        if (!SafeXml.TryLoad(body, maxBytes, "PIDF", out var root, out var error))
        {
            return PidfParseResult.Fail(error!);
        }
        try
        {
            return FromXml(root);
        }
        catch (PidfFormatException e)
        {
            return PidfParseResult.Fail(e.Message);
        }
    }

    private static PidfParseResult FromXml(XElement root)
    {
        var ns = PidfNamespaces.Pidf;
        if (root.Name != ns + "presence")
        {
            return PidfParseResult.Fail($"root element is {root.Name}, not {{{ns}}}presence");
        }
        if ((string?)root.Attribute("entity") is not { Length: > 0 } entity)
        {
            return PidfParseResult.Fail("<presence> has no 'entity' attribute");
        }
        var tuples = root.Elements(ns + "tuple").Select(ReadTuple).ToImmutableArray();
        var persons = root.Elements(PidfNamespaces.DataModel + "person").ToList();
        // RFC 4479 §3.3 gives a presentity one person; a compositor such as Kamailio's presence_xml may
        // still pass several along, so their activities and notes are merged rather than dropped.
        var person = persons.Count == 0
            ? null
            : new PidfPerson(
                Id: (string?)persons[0].Attribute("id") ?? "",
                Activities: persons.SelectMany(ReadActivities).ToImmutableArray(),
                Notes: persons.SelectMany(p => ReadNotes(p, PidfNamespaces.DataModel + "note")).ToImmutableArray(),
                Timestamp: ReadTimestamp(persons[0].Element(PidfNamespaces.DataModel + "timestamp")));
        var devices = root.Elements(PidfNamespaces.DataModel + "device").Select(d => new PidfDevice(
            Id: (string?)d.Attribute("id") ?? "",
            DeviceId: d.Element(PidfNamespaces.DataModel + "deviceID")?.Value.Trim(),
            Notes: ReadNotes(d, PidfNamespaces.DataModel + "note").ToImmutableArray(),
            Timestamp: ReadTimestamp(d.Element(PidfNamespaces.DataModel + "timestamp")))).ToImmutableArray();
        return PidfParseResult.Ok(new PidfDocument(entity, tuples, ReadNotes(root, ns + "note").ToImmutableArray(), person, devices));
    }

    private static PidfTuple ReadTuple(XElement tuple)
    {
        var ns = PidfNamespaces.Pidf;
        if ((string?)tuple.Attribute("id") is not { Length: > 0 } id)
        {
            throw new PidfFormatException("<tuple> has no 'id' attribute");
        }
        var status = tuple.Element(ns + "status");
        PidfBasic? basic = status?.Element(ns + "basic")?.Value.Trim() switch
        {
            null => null,
            "open" => PidfBasic.Open,
            "closed" => PidfBasic.Closed,
            var other => throw new PidfFormatException($"tuple '{id}': <basic> is '{other}', not open or closed"),
        };
        var contact = tuple.Element(ns + "contact");
        return new PidfTuple(
            Id: id,
            Basic: basic,
            Contact: contact?.Value.Trim(),
            ContactPriority: ReadPriority(id, (string?)contact?.Attribute("priority")),
            Notes: ReadNotes(tuple, ns + "note").ToImmutableArray(),
            Timestamp: ReadTimestamp(tuple.Element(ns + "timestamp")),
            Activities: status is null ? [] : ReadActivities(status).ToImmutableArray(),
            DeviceId: tuple.Element(PidfNamespaces.DataModel + "deviceID")?.Value.Trim());
    }

    /// <summary>RFC 3863 §4.1.5: a qvalue, "0" to "1" with at most three decimals.</summary>
    private static decimal? ReadPriority(string tupleId, string? text)
    {
        if (text is null)
        {
            return null;
        }
        var t = text.Trim();
        var dot = t.IndexOf('.', StringComparison.Ordinal);
        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value > 1m || (dot >= 0 && t.Length - dot - 1 > 3))
        {
            throw new PidfFormatException($"tuple '{tupleId}': contact priority '{text}' is not a qvalue between 0 and 1");
        }
        return value;
    }

    private static IEnumerable<PidfActivity> ReadActivities(XElement parent)
    {
        foreach (var activities in parent.Elements(PidfNamespaces.Rpid + "activities"))
        {
            foreach (var a in activities.Elements())
            {
                // RFC 4480 §3.2: <note> children describe the activities; they are not one.
                if (a.Name.Namespace != PidfNamespaces.Rpid || a.Name.LocalName == "note")
                {
                    continue;
                }
                yield return a.Name.LocalName == "other"
                    ? new PidfActivity("other", a.Value.Trim())
                    : new PidfActivity(a.Name.LocalName);
            }
        }
    }

    private static IEnumerable<PidfNote> ReadNotes(XElement parent, XName name) =>
        parent.Elements(name).Select(n => new PidfNote(n.Value, InheritedLanguage(n)));

    /// <summary>XML 1.0 §2.12: xml:lang applies to the element and its descendants unless overridden.</summary>
    private static string? InheritedLanguage(XElement element)
    {
        for (var e = element; e is not null; e = e.Parent)
        {
            if ((string?)e.Attribute(Lang) is { } lang)
            {
                return lang.Length == 0 ? null : lang;
            }
        }
        return null;
    }

    private static DateTimeOffset? ReadTimestamp(XElement? element)
    {
        if (element is null)
        {
            return null;
        }
        try
        {
            return XmlConvert.ToDateTimeOffset(element.Value.Trim());
        }
        catch (FormatException)
        {
            throw new PidfFormatException($"<timestamp> '{element.Value}' is not an xs:dateTime");
        }
    }
}

using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Bridge.Sip.Simple;

/// <summary>
/// Writes a <see cref="PidfDocument"/> as application/pidf+xml: UTF-8 without BOM, the PIDF namespace as
/// default and "dm"/"rpid" prefixes, children in the order of the RFC 3863 §4 / RFC 4479 §4 schemas
/// (tuples, notes, person, devices; within a tuple status, deviceID, contact, notes, timestamp).
/// </summary>
public static class PidfWriter
{
    private static readonly XName Lang = XNamespace.Xml + "lang";

    /// <exception cref="ArgumentException">A contact priority outside 0..1 or with more than three decimals.</exception>
    public static byte[] Write(PidfDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var ns = PidfNamespaces.Pidf;
        var dm = PidfNamespaces.DataModel;
        var root = new XElement(ns + "presence",
            new XAttribute("xmlns", ns.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "dm", dm.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "rpid", PidfNamespaces.Rpid.NamespaceName),
            new XAttribute("entity", document.Entity));
        foreach (var t in document.Tuples)
        {
            root.Add(WriteTuple(t));
        }
        root.Add(Notes(ns + "note", document.Notes));
        if (document.Person is { } person)
        {
            root.Add(new XElement(dm + "person",
                new XAttribute("id", person.Id),
                Activities(person.Activities),
                Notes(dm + "note", person.Notes),
                Timestamp(dm + "timestamp", person.Timestamp)));
        }
        foreach (var d in document.Devices)
        {
            root.Add(new XElement(dm + "device",
                new XAttribute("id", d.Id),
                d.DeviceId is null ? null : new XElement(dm + "deviceID", d.DeviceId),
                Notes(dm + "note", d.Notes),
                Timestamp(dm + "timestamp", d.Timestamp)));
        }
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Save(writer);
        }
        return buffer.ToArray();
    }

    private static XElement WriteTuple(PidfTuple t)
    {
        var ns = PidfNamespaces.Pidf;
        var status = new XElement(ns + "status");
        if (t.Basic is { } basic)
        {
            status.Add(new XElement(ns + "basic", basic == PidfBasic.Open ? "open" : "closed"));
        }
        status.Add(Activities(t.Activities));
        XElement? contact = null;
        if (t.Contact is not null)
        {
            contact = new XElement(ns + "contact", t.Contact);
            if (t.ContactPriority is { } p)
            {
                if (p is < 0m or > 1m || decimal.Round(p, 3) != p)
                {
                    throw new ArgumentException($"tuple '{t.Id}': contact priority {p} is not a qvalue", nameof(t));
                }
                contact.Add(new XAttribute("priority", p.ToString("0.###", CultureInfo.InvariantCulture)));
            }
        }
        return new XElement(ns + "tuple",
            new XAttribute("id", t.Id),
            status,
            t.DeviceId is null ? null : new XElement(PidfNamespaces.DataModel + "deviceID", t.DeviceId),
            contact,
            Notes(ns + "note", t.Notes),
            Timestamp(ns + "timestamp", t.Timestamp));
    }

    private static XElement? Activities(IReadOnlyCollection<PidfActivity> activities) =>
        activities.Count == 0
            ? null
            : new XElement(PidfNamespaces.Rpid + "activities",
                activities.Select(a => a.Name == "other"
                    ? new XElement(PidfNamespaces.Rpid + "other", a.Text ?? "")
                    : new XElement(PidfNamespaces.Rpid + a.Name)));

    private static IEnumerable<XElement> Notes(XName name, IEnumerable<PidfNote> notes) =>
        notes.Select(n => n.Language is { Length: > 0 } lang
            ? new XElement(name, new XAttribute(Lang, lang), n.Text)
            : new XElement(name, n.Text));

    private static XElement? Timestamp(XName name, DateTimeOffset? value) =>
        value is { } v ? new XElement(name, XmlConvert.ToString(v, "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz")) : null;
}

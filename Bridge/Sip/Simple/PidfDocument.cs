using System.Collections.Immutable;

namespace Bridge.Sip.Simple;

/// <summary>
/// An application/pidf+xml document (RFC 3863 §4) with the data-model person and device elements
/// (RFC 4479) and RPID activities (RFC 4480). Elements of other namespaces are not kept.
/// </summary>
/// <param name="Entity">The &lt;presence entity&gt; URI (pres:, or sip: as Kamailio and baresip write it).</param>
/// <param name="Tuples">&lt;tuple&gt; elements in document order.</param>
/// <param name="Notes">&lt;note&gt; children of &lt;presence&gt;.</param>
/// <param name="Person">The &lt;dm:person&gt;, if any (RFC 4479 allows one per presentity; we keep the first).</param>
/// <param name="Devices">&lt;dm:device&gt; elements.</param>
public sealed record PidfDocument(
    string Entity,
    ImmutableArray<PidfTuple> Tuples,
    ImmutableArray<PidfNote> Notes = default,
    PidfPerson? Person = null,
    ImmutableArray<PidfDevice> Devices = default)
{
    public ImmutableArray<PidfTuple> Tuples { get; init; } = Tuples.IsDefault ? [] : Tuples;

    public ImmutableArray<PidfNote> Notes { get; init; } = Notes.IsDefault ? [] : Notes;

    public ImmutableArray<PidfDevice> Devices { get; init; } = Devices.IsDefault ? [] : Devices;
}

using System.Collections.Immutable;

namespace Bridge.Sip.Simple;

/// <summary>
/// A PIDF &lt;tuple&gt; (RFC 3863 §4.1; a "service" in the RFC 4479 data model).
/// </summary>
/// <param name="Id">The 'id' attribute (xs:ID).</param>
/// <param name="Basic">&lt;status&gt;&lt;basic&gt;; null when the status carries no basic element.</param>
/// <param name="Contact">&lt;contact&gt; URI.</param>
/// <param name="ContactPriority">The contact's 'priority' attribute, 0..1 with at most three decimals (RFC 3863 §4.1.5).</param>
/// <param name="Notes">&lt;note&gt; elements.</param>
/// <param name="Timestamp">&lt;timestamp&gt;.</param>
/// <param name="Activities">&lt;rpid:activities&gt; found inside &lt;status&gt;. COMPAT: RPID puts activities
/// in a person, but pre-data-model clients put them in the tuple's status, which PIDF's extension point
/// allows; we read and write them there to keep one show per tuple.</param>
/// <param name="DeviceId">&lt;dm:deviceID&gt; linking the tuple to a device (RFC 4479 §4.1).</param>
public sealed record PidfTuple(
    string Id,
    PidfBasic? Basic,
    string? Contact = null,
    decimal? ContactPriority = null,
    ImmutableArray<PidfNote> Notes = default,
    DateTimeOffset? Timestamp = null,
    ImmutableArray<PidfActivity> Activities = default,
    string? DeviceId = null)
{
    public ImmutableArray<PidfNote> Notes { get; init; } = Notes.IsDefault ? [] : Notes;

    public ImmutableArray<PidfActivity> Activities { get; init; } = Activities.IsDefault ? [] : Activities;
}

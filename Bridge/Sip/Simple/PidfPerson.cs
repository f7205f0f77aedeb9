using System.Collections.Immutable;

namespace Bridge.Sip.Simple;

/// <summary>A &lt;dm:person&gt; (RFC 4479 §4.2) with its RPID activities (RFC 4480 §3.2).</summary>
/// <param name="Id">The 'id' attribute.</param>
/// <param name="Activities">Children of &lt;rpid:activities&gt;; empty when absent.</param>
/// <param name="Notes">&lt;dm:note&gt; elements.</param>
/// <param name="Timestamp">&lt;dm:timestamp&gt;.</param>
public sealed record PidfPerson(
    string Id,
    ImmutableArray<PidfActivity> Activities = default,
    ImmutableArray<PidfNote> Notes = default,
    DateTimeOffset? Timestamp = null)
{
    public ImmutableArray<PidfActivity> Activities { get; init; } = Activities.IsDefault ? [] : Activities;

    public ImmutableArray<PidfNote> Notes { get; init; } = Notes.IsDefault ? [] : Notes;
}

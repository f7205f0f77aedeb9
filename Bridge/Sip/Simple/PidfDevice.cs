using System.Collections.Immutable;

namespace Bridge.Sip.Simple;

/// <summary>A &lt;dm:device&gt; (RFC 4479 §4.3).</summary>
/// <param name="Id">The 'id' attribute.</param>
/// <param name="DeviceId">&lt;dm:deviceID&gt; (a URN).</param>
/// <param name="Notes">&lt;dm:note&gt; elements.</param>
/// <param name="Timestamp">&lt;dm:timestamp&gt;.</param>
public sealed record PidfDevice(string Id, string? DeviceId = null, ImmutableArray<PidfNote> Notes = default, DateTimeOffset? Timestamp = null)
{
    public ImmutableArray<PidfNote> Notes { get; init; } = Notes.IsDefault ? [] : Notes;
}

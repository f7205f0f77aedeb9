namespace Bridge.Sip.Simple;

/// <summary>
/// One &lt;instance&gt; of a list resource (RFC 4662 §5.2): one back-end subscription of the list server.
/// </summary>
/// <param name="Id">Unique within the resource.</param>
/// <param name="State">"active", "pending" or "terminated".</param>
/// <param name="Reason">For a terminated instance, the RFC 6665 reason (e.g. "rejected"); else null.</param>
/// <param name="ContentId">The Content-ID of the body part with this instance's state (e.g. its PIDF); null when the notification carries none.</param>
public sealed record RlmiInstance(string Id, string State, string? Reason, string? ContentId);

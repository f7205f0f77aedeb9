namespace Bridge.Tests.Interop;

/// <summary>
/// A PUBLISH of presence for user@b.test (sipp/publish.xml): PIDF basic status, a note with its
/// xml:lang (in the tuple and the person), and an RPID activity element such as busy or away.
/// With ETag set it modifies that publication (SIP-If-Match) instead of creating one.
/// </summary>
public sealed record SipPublication(
    string User,
    string Password,
    string Note,
    string Activity = "busy",
    string Basic = "open",
    string Lang = "en",
    int Expires = 600,
    string? ETag = null)
{
    /// <summary>The tuple id in the PIDF document.</summary>
    public string TupleId { get; init; } = "t-" + Guid.NewGuid().ToString("N")[..8];
}

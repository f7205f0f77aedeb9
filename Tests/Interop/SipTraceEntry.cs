using System.Globalization;

namespace Bridge.Tests.Interop;

/// <summary>One SIP message from a sipp -trace_msg file.</summary>
public sealed record SipTraceEntry(
    bool Received,
    string StartLine,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string Body)
{
    // RFC 3261 section 7.3.3 compact forms, so checks do not depend on the sender's choice.
    private static readonly Dictionary<string, string> CompactForms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["s"] = "Subject",
        ["l"] = "Content-Length",
        ["c"] = "Content-Type",
        ["f"] = "From",
        ["t"] = "To",
        ["i"] = "Call-ID",
        ["v"] = "Via",
        ["m"] = "Contact",
        ["e"] = "Content-Encoding",
        ["k"] = "Supported",
        ["o"] = "Event",
    };

    public bool IsRequest => !StartLine.StartsWith("SIP/2.0 ", StringComparison.Ordinal);

    /// <summary>The request method, or null for a response.</summary>
    public string? Method => IsRequest ? StartLine.Split(' ')[0] : null;

    /// <summary>The status code, or null for a request.</summary>
    public int? StatusCode =>
        !IsRequest && int.TryParse(StartLine.AsSpan(8, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;

    /// <summary>First value of the header (compact forms included), or null.</summary>
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(Canonical(h.Key), Canonical(name), StringComparison.OrdinalIgnoreCase))
            .Select(h => h.Value)
            .FirstOrDefault();

    /// <summary>The Subscription-State header (RFC 6665), e.g. "active;expires=600", or null.</summary>
    public string? SubscriptionState => Header("Subscription-State");

    /// <summary>The Subscription-State value without parameters: active, pending, terminated.</summary>
    public string? SubscriptionStateValue => SubscriptionState?.Split(';')[0].Trim().ToLowerInvariant();

    private static string Canonical(string name) => CompactForms.TryGetValue(name, out var full) ? full : name;

    public override string ToString() =>
        (Received ? "<< " : ">> ") + StartLine + "\n"
        + string.Concat(Headers.Select(h => $"   {h.Key}: {h.Value}\n")) + (Body.Length > 0 ? "   " + Body + "\n" : "");
}

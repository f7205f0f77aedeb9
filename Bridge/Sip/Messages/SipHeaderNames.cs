using System.Collections.Frozen;

namespace Bridge.Sip;

/// <summary>Canonical spellings of well-known header names and the compact forms (RFC 3261 §7.3.3 and later RFCs).</summary>
public static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string Contact = "Contact";
    public const string MaxForwards = "Max-Forwards";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string Route = "Route";
    public const string RecordRoute = "Record-Route";

    private static readonly FrozenDictionary<string, string> Compact = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["a"] = "Accept-Contact",
        ["b"] = "Referred-By",
        ["c"] = ContentType,
        ["d"] = "Request-Disposition",
        ["e"] = "Content-Encoding",
        ["f"] = From,
        ["i"] = CallId,
        ["j"] = "Reject-Contact",
        ["k"] = "Supported",
        ["l"] = ContentLength,
        ["m"] = Contact,
        ["n"] = "Identity-Info",
        ["o"] = "Event",
        ["r"] = "Refer-To",
        ["s"] = "Subject",
        ["t"] = To,
        ["u"] = "Allow-Events",
        ["v"] = Via,
        ["x"] = "Session-Expires",
        ["y"] = "Identity",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> Known = new[]
    {
        Via, From, To, CallId, CSeq, Contact, MaxForwards, ContentLength, ContentType, Route, RecordRoute,
        "Accept", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events", "Authentication-Info",
        "Authorization", "Call-Info", "Content-Disposition", "Content-Encoding", "Content-Language", "Date",
        "Error-Info", "Event", "Expires", "Identity", "In-Reply-To", "MIME-Version", "Min-Expires", "Organization",
        "Priority", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Require", "Reply-To", "Require",
        "Retry-After", "Server", "Subject", "Supported", "Timestamp", "Unsupported", "User-Agent", "Warning",
        "WWW-Authenticate", "Subscription-State", "Refer-To", "Referred-By", "Session-Expires", "SIP-ETag",
        "SIP-If-Match", "Content-Transfer-Encoding",
    }.ToFrozenDictionary(n => n, n => n, StringComparer.OrdinalIgnoreCase);

    /// <summary>Expands a compact form and gives known headers their canonical case; unknown names are kept as written.</summary>
    public static string Canonicalize(string name)
    {
        if (name.Length == 1 && Compact.TryGetValue(name, out var full))
        {
            return full;
        }
        return Known.TryGetValue(name, out var canonical) ? canonical : name;
    }
}

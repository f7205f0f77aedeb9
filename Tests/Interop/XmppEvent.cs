using System.Text.Json;

namespace Bridge.Tests.Interop;

/// <summary>One JSON event line from clients/xmpp_client.py.</summary>
public sealed record XmppEvent(
    string Kind,
    string? From,
    string? To,
    string? Id,
    string? Type,
    string? Body,
    string? Subject,
    string? Lang,
    string? Thread,
    string? Condition,
    string? Text,
    string? Jid,
    string Raw)
{
    public const string Connected = "connected";
    public const string Message = "message";
    public const string Error = "error";
    public const string AuthFailed = "auth_failed";
    public const string Disconnected = "disconnected";
    public const string Presence = "presence";
    public const string PresenceSent = "presence_sent";

    /// <summary>Presence events: away, chat, dnd, xa, or null (plain available).</summary>
    public string? Show { get; init; }

    /// <summary>Message events: the XEP-0144 items offered, "jid=name" space-separated; null without any.</summary>
    public string? RosterItems { get; init; }

    /// <summary>Presence events: the first &lt;status/&gt; text.</summary>
    public string? Status { get; init; }

    /// <summary>Presence events: the &lt;priority/&gt; text, null when absent.</summary>
    public string? Priority { get; init; }

    /// <summary>A presence stanza (any type: available, unavailable, subscribe, ...) from the JID.</summary>
    public bool IsPresenceFrom(string bareJid, string? type = null) =>
        Kind == Presence && IsFrom(bareJid) && (type is null || string.Equals(Type, type, StringComparison.Ordinal));

    /// <summary>True when From is the bare JID or one of its full JIDs.</summary>
    public bool IsFrom(string bareJid) =>
        From is not null
        && (string.Equals(From, bareJid, StringComparison.OrdinalIgnoreCase)
            || From.StartsWith(bareJid + "/", StringComparison.OrdinalIgnoreCase));

    public static XmppEvent Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        string? Get(string name) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new XmppEvent(
            Get("event") ?? "unknown", Get("from"), Get("to"), Get("id"), Get("type"), Get("body"),
            Get("subject"), Get("lang"), Get("thread"), Get("condition"), Get("text"), Get("jid"), line)
        {
            Show = Get("show"),
            Status = Get("status"),
            Priority = Get("priority"),
            RosterItems = Get("rosterx"),
        };
    }

    public override string ToString() => Raw;
}

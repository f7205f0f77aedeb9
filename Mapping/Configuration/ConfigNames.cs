using System.Diagnostics.CodeAnalysis;

namespace Bridge.Mapping.Configuration;

/// <summary>The lower-case strings the configuration uses for enum values.</summary>
public static class ConfigNames
{
    /// <summary>Parses "xmpp" or "sip" (case-insensitive).</summary>
    public static bool TryParseProtocol(string? text, out DomainProtocol protocol)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "xmpp": protocol = DomainProtocol.Xmpp; return true;
            case "sip": protocol = DomainProtocol.Sip; return true;
            default: protocol = default; return false;
        }
    }

    /// <summary>Parses "message", "presence", "chat", "groupchat" or "filetransfer" (case-insensitive).</summary>
    public static bool TryParseService(string? text, out BridgeService service)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "message": service = BridgeService.Message; return true;
            case "presence": service = BridgeService.Presence; return true;
            case "chat": service = BridgeService.Chat; return true;
            case "groupchat": service = BridgeService.GroupChat; return true;
            case "filetransfer": service = BridgeService.FileTransfer; return true;
            default: service = default; return false;
        }
    }

    /// <summary>Parses "udp", "tcp" or "tls" (case-insensitive).</summary>
    public static bool TryParseTransport(string? text, out TransportKind transport)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "udp": transport = TransportKind.Udp; return true;
            case "tcp": transport = TransportKind.Tcp; return true;
            case "tls": transport = TransportKind.Tls; return true;
            default: transport = default; return false;
        }
    }

    /// <summary>The config string of a protocol.</summary>
    public static string ToConfigString(this DomainProtocol protocol) => protocol == DomainProtocol.Xmpp ? "xmpp" : "sip";

    /// <summary>The config string of a service.</summary>
    [SuppressMessage("Globalization", "CA1308:Normalize strings to uppercase", Justification = "config strings are lower-case")]
    public static string ToConfigString(this BridgeService service) => service.ToString().ToLowerInvariant();

    /// <summary>The protocol on the other side of the bridge.</summary>
    public static DomainProtocol Other(this DomainProtocol protocol) => protocol == DomainProtocol.Xmpp ? DomainProtocol.Sip : DomainProtocol.Xmpp;
}

namespace Bridge.Mapping.Configuration;

/// <summary>A service a peering may allow. Config strings: "message", "presence", "chat", "groupchat", "filetransfer".</summary>
public enum BridgeService
{
    /// <summary>Page-mode instant messages (RFC 7572).</summary>
    Message,

    /// <summary>Presence (RFC 7248 / RFC 8048).</summary>
    Presence,

    /// <summary>One-to-one chat sessions (RFC 7573).</summary>
    Chat,

    /// <summary>Multi-party chat (RFC 7702).</summary>
    GroupChat,

    /// <summary>File transfer (RFC 7247 framework, not yet specified here).</summary>
    FileTransfer,
}

namespace Bridge.Mapping.Messages;

/// <summary>The XMPP message types of RFC 6121 §5.2.2 ('error' is carried as a delivery report instead).</summary>
public enum MessageKind
{
    /// <summary>A standalone message (XMPP type 'normal').</summary>
    Normal,

    /// <summary>One-to-one conversation (XMPP type 'chat').</summary>
    Chat,

    /// <summary>An alert or notification that expects no reply (XMPP type 'headline').</summary>
    Headline,

    /// <summary>Multi-user chat (XMPP type 'groupchat').</summary>
    GroupChat,
}

using Bridge.Mapping.Messages;

namespace Bridge.FrontEnds.Xmpp;

/// <summary>The outcome of reading a message stanza: a message, nothing to bridge, or an error to return.</summary>
public sealed record XmppMessageTranslation(InstantMessage? Message, string? ErrorCondition = null, string? ErrorText = null)
{
    public static XmppMessageTranslation Nothing { get; } = new(Message: null);

    public static XmppMessageTranslation Error(string condition, string text) => new(null, condition, text);
}

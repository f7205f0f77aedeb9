using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Messages;

/// <summary>
/// One page-mode instant message (RFC 7572), as both sides understand it.
/// </summary>
/// <param name="Id">Identifier used to correlate a later error with this message (XMPP 'id'; SIP Call-ID/CSeq on that side).</param>
/// <param name="From">Sender.</param>
/// <param name="To">Recipient.</param>
/// <param name="Body">Text of the message (XMPP &lt;body/&gt;, SIP MESSAGE text/plain body).</param>
/// <param name="Subject">XMPP &lt;subject/&gt; / SIP Subject header field.</param>
/// <param name="Language">Language tag (XMPP xml:lang / SIP Content-Language).</param>
/// <param name="Thread">Conversation thread (XMPP &lt;thread/&gt;).</param>
/// <param name="Kind">The XMPP message type.</param>
public sealed record InstantMessage(
    string Id,
    ChatAddress From,
    ChatAddress To,
    string Body,
    string? Subject = null,
    string? Language = null,
    string? Thread = null,
    MessageKind Kind = MessageKind.Chat);

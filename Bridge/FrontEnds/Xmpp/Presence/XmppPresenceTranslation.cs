using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;

namespace Bridge.FrontEnds.Xmpp.Presence;

/// <summary>
/// The outcome of reading a presence stanza: the source it describes with its addresses, nothing to
/// bridge (subscription management, probes, errors: not presence information), or an error to return.
/// </summary>
/// <param name="From">The sender, a full JID when the presence is about one resource.</param>
/// <param name="To">The addressee; null for presence without 'to'.</param>
/// <param name="Source">The presence information; its Id is the sender's resource ("" for a bare JID).</param>
public sealed record XmppPresenceTranslation(
    ChatAddress? From,
    ChatAddress? To,
    PresenceSource? Source,
    string? ErrorCondition = null,
    string? ErrorText = null)
{
    public static XmppPresenceTranslation Nothing { get; } = new(null, null, null);

    public static XmppPresenceTranslation Error(string condition, string text) => new(null, null, null, condition, text);
}

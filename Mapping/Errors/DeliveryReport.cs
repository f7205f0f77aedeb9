using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Errors;

/// <summary>
/// A failure learned after the message was already accepted (e.g. an XMPP error stanza that
/// arrives after the SIP MESSAGE was answered), to be told to the original sender.
/// </summary>
/// <param name="OriginalId">Id of the <see cref="Messages.InstantMessage"/> that failed.</param>
/// <param name="OriginalSender">Who sent it (the report goes to this side).</param>
/// <param name="OriginalRecipient">Whom it was for.</param>
/// <param name="Error">What went wrong.</param>
public sealed record DeliveryReport(string OriginalId, ChatAddress OriginalSender, ChatAddress OriginalRecipient, DeliveryError Error);

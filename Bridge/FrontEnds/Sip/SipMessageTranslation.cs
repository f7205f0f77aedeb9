using Bridge.Mapping.Messages;

namespace Bridge.FrontEnds.Sip;

/// <summary>The outcome of reading a SIP MESSAGE: a message, or the status to answer with.</summary>
public sealed record SipMessageTranslation(InstantMessage? Message, int Status = 0, string? Reason = null)
{
    public static SipMessageTranslation Reject(int status, string reason) => new(null, status, reason);
}

namespace Bridge.Sip;

/// <summary>
/// RFC 3261 §12: a dialog is identified by Call-ID, local tag and remote tag, all compared byte by byte
/// (§20.8 for Call-ID). The remote tag is empty for RFC 2543 peers that send no tag.
/// </summary>
public sealed record SipDialogKey(string CallId, string LocalTag, string RemoteTag)
{
    /// <summary>
    /// The key of the dialog an incoming request belongs to, seen from our side: our tag is in To, the peer's in
    /// From. Null when the request has no Call-ID, no parsable From/To, or no To-tag (it is not in a dialog).
    /// </summary>
    public static SipDialogKey? ForIncomingRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallId is not { Length: > 0 } callId || request.To?.Tag is not { Length: > 0 } local || request.From is not { } from)
        {
            return null;
        }
        return new SipDialogKey(callId, local, from.Tag ?? string.Empty);
    }
}

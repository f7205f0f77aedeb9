namespace Bridge.Xmpp;

/// <summary>
/// Outcome of <see cref="XmppServer.SendAsync"/>. Condition is an RFC 6120 §8.3.3 stanza error condition
/// the caller can bounce with: remote-server-not-found (no address, nothing listening),
/// remote-server-timeout (timeout, stream or dialback failure), not-allowed (policy), jid-malformed,
/// resource-constraint (queue full), internal-server-error.
/// </summary>
public sealed record XmppSendResult(XmppSendStatus Status, string? Condition = null, string? Text = null)
{
    public static readonly XmppSendResult Sent = new(XmppSendStatus.Sent);

    public static XmppSendResult Failed(string condition, string? text = null) => new(XmppSendStatus.Failed, condition, text);
}

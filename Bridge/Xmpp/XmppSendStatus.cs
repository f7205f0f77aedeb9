namespace Bridge.Xmpp;

public enum XmppSendStatus
{
    Sent,
    Failed,
}

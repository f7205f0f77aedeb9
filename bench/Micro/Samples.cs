using System.Text;

namespace Bridge.Micro;

/// <summary>The typical page-mode traffic the macro bench sends, as wire bytes.</summary>
internal static class Samples
{
    public static readonly byte[] SipMessage = Encoding.UTF8.GetBytes(
        "MESSAGE sip:alice@a.test SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.21:5070;branch=z9hG4bKs1.1207;rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:bob@b.test>;tag=s1.1207\r\n"
        + "To: <sip:alice@a.test>\r\n"
        + "Call-ID: s1.1207@bench\r\n"
        + "CSeq: 1 MESSAGE\r\n"
        + "Content-Type: text/plain;charset=UTF-8\r\n"
        + "Content-Length: 39\r\n\r\n"
        + "s1.1207 hello from the bench, page mode");

    public static readonly byte[] StreamHeader = Encoding.UTF8.GetBytes(
        "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' "
        + "xmlns:stream='http://etherx.jabber.org/streams' from='a.test' to='b.test' version='1.0'>");

    public static readonly byte[] MessageStanza = Encoding.UTF8.GetBytes(
        "<message from='alice@a.test/bench' to='bob@b.test' id='x1.1207' type='chat'><body>x1.1207 hello from the bench, page mode</body></message>");
}

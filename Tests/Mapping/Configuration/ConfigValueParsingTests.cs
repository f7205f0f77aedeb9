using System.Net;
using Bridge.Mapping.Configuration;

namespace Bridge.Tests.Mapping.Configuration;

[TestClass]
public sealed class ConfigValueParsingTests
{
    [TestMethod]
    [DataRow("sip:127.0.0.1:5060", "127.0.0.1", 5060, TransportKind.Udp)]
    [DataRow("sip:127.0.0.1", "127.0.0.1", 5060, TransportKind.Udp)]
    [DataRow("sip:proxy.b.test;transport=tcp", "proxy.b.test", 5060, TransportKind.Tcp)]
    [DataRow("sip:proxy.b.test:5080;transport=TCP;lr", "proxy.b.test", 5080, TransportKind.Tcp)]
    [DataRow("sip:proxy.b.test;transport=tls", "proxy.b.test", 5061, TransportKind.Tls)]
    [DataRow("sips:proxy.b.test", "proxy.b.test", 5061, TransportKind.Tls)]
    [DataRow("sips:proxy.b.test;transport=tcp", "proxy.b.test", 5061, TransportKind.Tls)]
    [DataRow("SIP:[::1]:5070", "::1", 5070, TransportKind.Udp)]
    [DataRow("sip:[::1]", "::1", 5060, TransportKind.Udp)]
    public void Sip_route_parses(string text, string host, int port, TransportKind transport)
    {
        Assert.IsTrue(RouteTarget.TryParseSip(text, out var route));
        Assert.AreEqual(new RouteTarget(host, port, transport), route);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("127.0.0.1:5060")]
    [DataRow("tcp:127.0.0.1:5060")]
    [DataRow("sip:")]
    [DataRow("sip:user@127.0.0.1")]
    [DataRow("sip:127.0.0.1:port")]
    [DataRow("sip:127.0.0.1;transport=sctp")]
    [DataRow("sips:127.0.0.1;transport=udp")]
    [DataRow("sip:::1")]
    public void Sip_route_rejects(string text)
    {
        Assert.IsFalse(RouteTarget.TryParseSip(text, out var route));
        Assert.IsNull(route);
    }

    [TestMethod]
    [DataRow("xmpp.a.test:5269", "xmpp.a.test", 5269)]
    [DataRow("127.0.0.1:5270", "127.0.0.1", 5270)]
    [DataRow("xmpp.a.test", "xmpp.a.test", 5269)]
    [DataRow("[::1]:5269", "::1", 5269)]
    public void Xmpp_route_parses(string text, string host, int port)
    {
        Assert.IsTrue(RouteTarget.TryParseXmpp(text, out var route));
        Assert.AreEqual(new RouteTarget(host, port, TransportKind.Tcp), route);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow(":5269")]
    [DataRow("host:")]
    [DataRow("host:x")]
    [DataRow("::1:5269")]
    public void Xmpp_route_rejects(string text)
    {
        Assert.IsFalse(RouteTarget.TryParseXmpp(text, out _));
    }

    [TestMethod]
    [DataRow("udp:127.0.0.2:5060", TransportKind.Udp, "127.0.0.2", 5060)]
    [DataRow("tcp:127.0.0.2:5060", TransportKind.Tcp, "127.0.0.2", 5060)]
    [DataRow("TLS:10.0.0.1:5061", TransportKind.Tls, "10.0.0.1", 5061)]
    [DataRow("udp:[::1]:5060", TransportKind.Udp, "::1", 5060)]
    [DataRow("udp:0.0.0.0:5060", TransportKind.Udp, "0.0.0.0", 5060)] // parses; the validator rejects wildcards
    public void Sip_listen_parses(string text, TransportKind transport, string address, int port)
    {
        Assert.IsTrue(SipListenEndpoint.TryParse(text, out var ep));
        Assert.AreEqual(new SipListenEndpoint(transport, IPAddress.Parse(address), port), ep);
        Assert.AreEqual(text.ToLowerInvariant(), ep.ToString());
    }

    [TestMethod]
    [DataRow("127.0.0.2:5060")]
    [DataRow("sctp:127.0.0.2:5060")]
    [DataRow("udp:127.0.0.2")]
    [DataRow("udp:host.test:5060")]
    [DataRow("udp:::1:5060")]
    [DataRow("udp:127.0.0.2:65536x")]
    public void Sip_listen_rejects(string text)
    {
        Assert.IsFalse(SipListenEndpoint.TryParse(text, out _));
    }

    [TestMethod]
    [DataRow("message", BridgeService.Message)]
    [DataRow("presence", BridgeService.Presence)]
    [DataRow("chat", BridgeService.Chat)]
    [DataRow("groupchat", BridgeService.GroupChat)]
    [DataRow("filetransfer", BridgeService.FileTransfer)]
    [DataRow(" Message ", BridgeService.Message)]
    public void Services_parse_and_format(string text, BridgeService service)
    {
        Assert.IsTrue(ConfigNames.TryParseService(text, out var parsed));
        Assert.AreEqual(service, parsed);
        Assert.AreEqual(text.Trim().ToLowerInvariant(), service.ToConfigString());
    }

    [TestMethod]
    public void Unknown_names_are_rejected()
    {
        Assert.IsFalse(ConfigNames.TryParseService("file-transfer", out _));
        Assert.IsFalse(ConfigNames.TryParseProtocol("smtp", out _));
        Assert.IsFalse(ConfigNames.TryParseTransport("sctp", out _));
        Assert.IsTrue(ConfigNames.TryParseProtocol("XMPP", out var p));
        Assert.AreEqual(DomainProtocol.Xmpp, p);
        Assert.AreEqual(DomainProtocol.Sip, p.Other());
    }
}

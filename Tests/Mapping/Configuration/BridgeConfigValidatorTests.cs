using System.Collections.Immutable;
using System.Net;
using Bridge.Mapping.Configuration;

namespace Bridge.Tests.Mapping.Configuration;

[TestClass]
public sealed class BridgeConfigValidatorTests
{
    [TestMethod]
    public void Valid_config_has_no_problems()
    {
        Assert.IsEmpty(BridgeConfigValidator.Validate(TestConfigs.Valid()));
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("   ")]
    public void Dialback_secret_is_required(string secret)
    {
        var config = TestConfigs.Valid() with { Xmpp = TestConfigs.Valid().Xmpp with { DialbackSecret = secret } };
        AssertProblems(config, "Bridge:Xmpp:DialbackSecret: is required (XEP-0185 dialback keys are derived from it)");
    }

    [TestMethod]
    [DataRow("0.0.0.0", 5269, "Bridge:Xmpp:Listen: '0.0.0.0' is a wildcard address; give the specific address to listen on")]
    [DataRow("::", 5269, "Bridge:Xmpp:Listen: '::' is a wildcard address; give the specific address to listen on")]
    [DataRow("127.0.0.2", 0, "Bridge:Xmpp:Listen: port 0 is outside 1..65535")]
    [DataRow("127.0.0.2", 65536, "Bridge:Xmpp:Listen: port 65536 is outside 1..65535")]
    [DataRow("xmpp.test", 5269, "Bridge:Xmpp:Listen: 'xmpp.test' is not an IP address")]
    public void Xmpp_listen_must_be_specific(string host, int port, string problem)
    {
        var config = TestConfigs.Valid() with { Xmpp = TestConfigs.Valid().Xmpp with { Listen = new HostPort(host, port) } };
        AssertProblems(config, problem);
    }

    [TestMethod]
    public void Xmpp_limits_are_checked()
    {
        var config = TestConfigs.Valid() with
        {
            Xmpp = TestConfigs.Valid().Xmpp with { MaxStanzaBytes = 9999, ConnectTimeout = TimeSpan.Zero },
        };
        AssertProblems(
            config,
            "Bridge:Xmpp:MaxStanzaBytes: 9999 is below the 10000 bytes RFC 6120 §13.12 requires",
            "Bridge:Xmpp:ConnectTimeoutSeconds: must be positive");
    }

    [TestMethod]
    public void Sip_listen_is_required()
    {
        AssertProblems(TestConfigs.Valid() with { Sip = new SipSettings([]) }, "Bridge:Sip:Listen: at least one endpoint is required");
    }

    [TestMethod]
    public void Sip_listen_problems_name_the_index()
    {
        var config = TestConfigs.Valid() with
        {
            Sip = new SipSettings(
                [
                    new SipListenEndpoint(TransportKind.Udp, IPAddress.Parse("127.0.0.2"), 5060),
                    new SipListenEndpoint(TransportKind.Udp, IPAddress.Any, 5060),
                    new SipListenEndpoint(TransportKind.Tcp, IPAddress.IPv6Any, 70000),
                    new SipListenEndpoint(TransportKind.Udp, IPAddress.Parse("127.0.0.2"), 5060),
                    new SipListenEndpoint(TransportKind.Tls, IPAddress.Parse("127.0.0.2"), 5269),
                ],
                MaxMessageBytes: 0),
            Tls = new TlsSettings("bridge.pem", "bridge.key"),
        };
        AssertProblems(
            config,
            "Bridge:Sip:Listen:1: '0.0.0.0' is a wildcard address; give the specific address to listen on",
            "Bridge:Sip:Listen:2: '::' is a wildcard address; give the specific address to listen on",
            "Bridge:Sip:Listen:2: port 70000 is outside 1..65535",
            "Bridge:Sip:Listen:3: 'udp:127.0.0.2:5060' is listed more than once",
            "Bridge:Sip:Listen:4: 'tls:127.0.0.2:5269' uses the same TCP socket as Bridge:Xmpp:Listen",
            "Bridge:Sip:MaxMessageBytes: 0 is outside 1..65535");
    }

    [TestMethod]
    public void Udp_and_tcp_may_share_a_port()
    {
        // appsettings.json listens on udp and tcp 127.0.0.2:5060 at once.
        var config = TestConfigs.Valid();
        Assert.AreEqual(config.Sip.Listen[0].Port, config.Sip.Listen[1].Port);
        Assert.IsEmpty(BridgeConfigValidator.Validate(config));
    }

    [TestMethod]
    public void Sip_domain_needs_route_and_trusted_addresses()
    {
        var valid = TestConfigs.Valid();
        var config = valid with
        {
            Domains = valid.Domains.SetItem("b.test", new DomainConfig("b.test", DomainProtocol.Sip, null, [])),
        };
        AssertProblems(
            config,
            "Bridge:Domains:b.test:Route: is required for a sip domain",
            "Bridge:Domains:b.test:TrustedAddresses: at least one address is required for a sip domain");
    }

    [TestMethod]
    public void Domain_entries_are_checked()
    {
        var valid = TestConfigs.Valid();
        var config = valid with
        {
            Domains = valid.Domains
                .SetItem("a.test", new DomainConfig("a.test", DomainProtocol.Xmpp, new RouteTarget("x.a.test", 5269, TransportKind.Udp), []))
                .SetItem("c.test", new DomainConfig("other.test", DomainProtocol.Xmpp, null, []))
                .SetItem("d.test", new DomainConfig("d.test", DomainProtocol.Sip, new RouteTarget("", 0, TransportKind.Udp), [IPAddress.Loopback]))
                .SetItem("bad name", new DomainConfig("bad name", DomainProtocol.Xmpp, null, [])),
        };
        AssertProblems(
            config,
            "Bridge:Domains:a.test:Route: XMPP cannot use UDP",
            "Bridge:Domains:bad name: 'bad name' is not a valid domain name",
            "Bridge:Domains:c.test: is keyed differently from its name 'other.test'",
            "Bridge:Domains:d.test:Route: has no host",
            "Bridge:Domains:d.test:Route: port 0 is outside 1..65535");
    }

    [TestMethod]
    public void Domains_must_be_case_insensitive_and_present()
    {
        var valid = TestConfigs.Valid();
        AssertProblems(
            valid with { Domains = valid.Domains.WithComparers(StringComparer.Ordinal) },
            "Bridge:Domains: keys must be compared case-insensitively (build it with BridgeConfig.CreateDomains)");
        AssertProblems(
            valid with { Domains = BridgeConfig.CreateDomains([]), Peerings = [] },
            "Bridge:Domains: no domain is configured",
            "Bridge:Peerings: no peering is configured, so nothing can cross the bridge");
    }

    [TestMethod]
    public void Peering_problems()
    {
        var config = TestConfigs.Valid() with
        {
            Peerings =
            [
                new PeeringConfig(["a.test", "c.test"], [BridgeService.Message]),
                new PeeringConfig(["a.test"], [BridgeService.Message]),
                new PeeringConfig(["a.test", "b.test", "c.test", "z.test"], [BridgeService.Message]),
                new PeeringConfig(["a.test", "A.TEST", "b.test"], ImmutableHashSet<BridgeService>.Empty),
            ],
        };
        AssertProblems(
            config,
            "Bridge:Peerings:0:Domains: needs at least one xmpp and one sip domain to bridge anything",
            "Bridge:Peerings:1:Domains: a peering needs at least two domains",
            "Bridge:Peerings:2:Domains: 'z.test' is not a configured domain",
            "Bridge:Peerings:3:Domains: 'A.TEST' is listed more than once",
            "Bridge:Peerings:3:Services: at least one service is required");
    }

    private static void AssertProblems(BridgeConfig config, params string[] expected)
    {
        var actual = BridgeConfigValidator.Validate(config);
        CollectionAssert.AreEquivalent(expected, actual.ToArray(), "actual: " + string.Join(" | ", actual));
    }
}

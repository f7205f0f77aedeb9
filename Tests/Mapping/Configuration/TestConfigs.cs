using System.Collections.Immutable;
using System.Net;
using Bridge.Mapping.Configuration;

namespace Bridge.Tests.Mapping.Configuration;

/// <summary>Configurations shared by the Mapping tests.</summary>
internal static class TestConfigs
{
    /// <summary>
    /// a.test (xmpp) and b.test (sip) peered for message+presence; c.test (xmpp) and d.test (sip)
    /// peered for presence only; e.test (sip) configured but in no peering.
    /// </summary>
    public static BridgeConfig Valid(bool logBodies = false) => new(
        new XmppSettings(new HostPort("127.0.0.2", 5269), "s3cret"),
        new SipSettings([
            new SipListenEndpoint(TransportKind.Udp, IPAddress.Parse("127.0.0.2"), 5060),
            new SipListenEndpoint(TransportKind.Tcp, IPAddress.Parse("127.0.0.2"), 5060),
        ]),
        BridgeConfig.CreateDomains([
            Xmpp("a.test"),
            Sip("b.test"),
            Xmpp("c.test"),
            Sip("d.test"),
            Sip("e.test"),
        ]),
        [
            new PeeringConfig(["a.test", "b.test"], [BridgeService.Message, BridgeService.Presence]),
            new PeeringConfig(["c.test", "d.test"], [BridgeService.Presence]),
        ],
        new LoggingSettings(logBodies));

    public static DomainConfig Xmpp(string name) => new(name, DomainProtocol.Xmpp, null, []);

    public static DomainConfig Sip(string name) =>
        new(name, DomainProtocol.Sip, new RouteTarget("127.0.0.1", 5060, TransportKind.Udp), [IPAddress.Loopback]);
}

/// <summary>An <see cref="IBridgeConfigSource"/> whose config a test can swap.</summary>
internal sealed class TestConfigSource(BridgeConfig initial) : IBridgeConfigSource
{
    public BridgeConfig Current { get; private set; } = initial;

    public event Action<BridgeConfig>? Changed;

    public void Swap(BridgeConfig next)
    {
        Current = next;
        Changed?.Invoke(next);
    }
}

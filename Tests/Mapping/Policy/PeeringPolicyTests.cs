using Bridge.Mapping.Configuration;
using Bridge.Mapping.Policy;
using Bridge.Tests.Mapping.Configuration;

namespace Bridge.Tests.Mapping.Policy;

[TestClass]
public sealed class PeeringPolicyTests
{
    private readonly TestConfigSource source = new(TestConfigs.Valid());

    [TestMethod]
    [DataRow("a.test", DomainProtocol.Xmpp, "b.test", PolicyVerdict.Allowed, false)]
    [DataRow("b.test", DomainProtocol.Sip, "a.test", PolicyVerdict.Allowed, false)]
    [DataRow("A.Test", DomainProtocol.Xmpp, "B.TEST", PolicyVerdict.Allowed, false)]
    [DataRow("c.test", DomainProtocol.Xmpp, "d.test", PolicyVerdict.Allowed, false)]
    [DataRow("z.test", DomainProtocol.Xmpp, "b.test", PolicyVerdict.UnknownDomain, true)]
    [DataRow("b.test", DomainProtocol.Xmpp, "a.test", PolicyVerdict.WrongProtocol, true)]   // a sip domain arriving over XMPP
    [DataRow("a.test", DomainProtocol.Xmpp, "z.test", PolicyVerdict.UnknownDomain, false)]
    [DataRow("a.test", DomainProtocol.Xmpp, "c.test", PolicyVerdict.WrongProtocol, false)]  // xmpp to xmpp is not ours
    [DataRow("a.test", DomainProtocol.Xmpp, "d.test", PolicyVerdict.NotPeered, false)]
    [DataRow("a.test", DomainProtocol.Xmpp, "e.test", PolicyVerdict.NotPeered, false)]
    [DataRow("e.test", DomainProtocol.Sip, "a.test", PolicyVerdict.NotPeered, false)]
    public void CheckLink(string from, DomainProtocol protocol, string to, PolicyVerdict verdict, bool concernsSender)
    {
        var decision = new PeeringPolicy(source).CheckLink(from, protocol, to);
        Assert.AreEqual(verdict, decision.Verdict, decision.Reason);
        Assert.AreEqual(verdict == PolicyVerdict.Allowed, decision.IsAllowed);
        Assert.AreEqual(concernsSender, decision.ConcernsSender);
        Assert.IsFalse(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [TestMethod]
    [DataRow("a.test", "b.test", BridgeService.Message, PolicyVerdict.Allowed)]
    [DataRow("a.test", "b.test", BridgeService.Presence, PolicyVerdict.Allowed)]
    [DataRow("a.test", "b.test", BridgeService.Chat, PolicyVerdict.ServiceNotAllowed)]
    [DataRow("c.test", "d.test", BridgeService.Presence, PolicyVerdict.Allowed)]
    [DataRow("c.test", "d.test", BridgeService.Message, PolicyVerdict.ServiceNotAllowed)]
    [DataRow("a.test", "d.test", BridgeService.Presence, PolicyVerdict.NotPeered)]
    public void Check_service(string from, string to, BridgeService service, PolicyVerdict verdict)
    {
        var decision = new PeeringPolicy(source).Check(from, DomainProtocol.Xmpp, to, service);
        Assert.AreEqual(verdict, decision.Verdict, decision.Reason);
    }

    [TestMethod]
    public void Service_may_come_from_any_peering_containing_both()
    {
        var config = TestConfigs.Valid() with
        {
            Peerings =
            [
                new PeeringConfig(["a.test", "b.test"], [BridgeService.Presence]),
                new PeeringConfig(["a.test", "b.test", "d.test"], [BridgeService.Message]),
            ],
        };
        var policy = new PeeringPolicy(new TestConfigSource(config));
        Assert.IsTrue(policy.Check("a.test", DomainProtocol.Xmpp, "b.test", BridgeService.Message).IsAllowed);
        Assert.IsTrue(policy.Check("b.test", DomainProtocol.Sip, "a.test", BridgeService.Presence).IsAllowed);
        Assert.AreEqual(PolicyVerdict.ServiceNotAllowed, policy.Check("d.test", DomainProtocol.Sip, "a.test", BridgeService.Presence).Verdict);
    }

    [TestMethod]
    public void IsDomain()
    {
        var policy = new PeeringPolicy(source);
        Assert.IsTrue(policy.IsDomain("a.test", DomainProtocol.Xmpp));
        Assert.IsTrue(policy.IsDomain("B.test", DomainProtocol.Sip));
        Assert.IsFalse(policy.IsDomain("a.test", DomainProtocol.Sip));
        Assert.IsFalse(policy.IsDomain("z.test", DomainProtocol.Xmpp));
    }

    [TestMethod]
    public void Reads_the_current_config_on_every_call()
    {
        var policy = new PeeringPolicy(source);
        Assert.IsTrue(policy.Check("a.test", DomainProtocol.Xmpp, "b.test", BridgeService.Message).IsAllowed);

        source.Swap(TestConfigs.Valid() with { Peerings = [new PeeringConfig(["a.test", "b.test"], [BridgeService.Presence])] });
        Assert.AreEqual(PolicyVerdict.ServiceNotAllowed, policy.Check("a.test", DomainProtocol.Xmpp, "b.test", BridgeService.Message).Verdict);

        source.Swap(TestConfigs.Valid() with { Peerings = [new PeeringConfig(["a.test", "b.test", "d.test"], [BridgeService.Message])] });
        Assert.IsTrue(policy.Check("a.test", DomainProtocol.Xmpp, "d.test", BridgeService.Message).IsAllowed);
    }
}

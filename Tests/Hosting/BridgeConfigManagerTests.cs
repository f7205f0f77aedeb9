using Bridge.Hosting.Configuration;
using Bridge.Mapping.Configuration;
using Bridge.Tests.Mapping.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Hosting;

[TestClass]
public sealed class BridgeConfigManagerTests
{
    private readonly CapturingLogger<BridgeConfigManager> log = new();

    private static (IConfigurationRoot Root, BridgeConfig Initial) Start()
    {
        var root = new ConfigurationBuilder().AddInMemoryCollection(BridgeConfigReaderTests.ValidValues()).Build();
        var initial = BridgeConfigReader.Read(root, []);
        Assert.IsNotNull(initial);
        return (root, initial);
    }

    [TestMethod]
    public void Bad_reload_keeps_the_old_config_and_warns_per_problem()
    {
        var (root, initial) = Start();
        using var manager = new BridgeConfigManager(root, initial, log);
        var raised = 0;
        manager.Changed += _ => raised++;

        root["Bridge:Xmpp:DialbackSecret"] = "";
        root["Bridge:Peerings:0:Domains:1"] = "z.test";
        root.Reload(); // fires the reload token synchronously

        Assert.AreSame(initial, manager.Current);
        Assert.AreEqual(0, raised);
        var warnings = log.At(LogLevel.Warning).Select(w => w.Message).ToList();
        CollectionAssert.AreEquivalent(
            new[]
            {
                "config reload rejected: Bridge:Xmpp:DialbackSecret: is required (XEP-0185 dialback keys are derived from it)",
                "config reload rejected: Bridge:Peerings:0:Domains: 'z.test' is not a configured domain",
                "config reload rejected: Bridge:Peerings:0:Domains: needs at least one xmpp and one sip domain to bridge anything",
            },
            warnings);
    }

    [TestMethod]
    public void Good_reload_swaps_and_raises_changed()
    {
        var (root, initial) = Start();
        using var manager = new BridgeConfigManager(root, initial, log);
        BridgeConfig? seen = null;
        manager.Changed += c => seen = c;

        root["Bridge:Logging:LogBodies"] = "true";
        root.Reload();

        Assert.IsNotNull(seen);
        Assert.AreSame(seen, manager.Current);
        Assert.IsTrue(manager.Current.Logging.LogBodies);
        Assert.IsEmpty(log.At(LogLevel.Warning));
    }

    [TestMethod]
    public void Watches_every_reload_and_recovers_after_a_bad_one()
    {
        var (root, initial) = Start();
        using var manager = new BridgeConfigManager(root, initial, log);

        root["Bridge:Domains:b.test:Protocol"] = "smtp";
        root.Reload();
        Assert.AreSame(initial, manager.Current);

        root["Bridge:Domains:b.test:Protocol"] = "sip";
        root["Bridge:Xmpp:DialbackSecret"] = "rotated";
        root.Reload();
        Assert.AreEqual("rotated", manager.Current.Xmpp.DialbackSecret);
        Assert.HasCount(1, log.At(LogLevel.Warning));
    }

    [TestMethod]
    public void Throwing_subscriber_does_not_stop_watching()
    {
        var (root, initial) = Start();
        using var manager = new BridgeConfigManager(root, initial, log);
        manager.Changed += _ => throw new InvalidOperationException("subscriber bug");

        root["Bridge:Xmpp:DialbackSecret"] = "one";
        root.Reload();
        root["Bridge:Xmpp:DialbackSecret"] = "two";
        root.Reload();

        Assert.AreEqual("two", manager.Current.Xmpp.DialbackSecret);
        Assert.HasCount(2, log.At(LogLevel.Error));
    }

    [TestMethod]
    public void Dispose_stops_watching()
    {
        var (root, initial) = Start();
        var manager = new BridgeConfigManager(root, initial, log);
        manager.Dispose();

        root["Bridge:Xmpp:DialbackSecret"] = "after-dispose";
        root.Reload();

        Assert.AreSame(initial, manager.Current);
    }
}

using Bridge.Hosting.Configuration;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bridge.Tests.Hosting;

/// <summary>Bridge:Limits and Bridge:Domains:&lt;name&gt;:Limits, and the SIP parser limits under Bridge:Sip.</summary>
[TestClass]
public sealed class BridgeConfigReaderLimitsTests
{
    private static BridgeConfig? Read(Dictionary<string, string?> values, List<string> errors) =>
        BridgeConfigReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), errors);

    [TestMethod]
    public void NothingConfiguredMeansNoLimits()
    {
        var errors = new List<string>();
        var config = Read(BridgeConfigReaderTests.ValidValues(), errors);

        Assert.IsEmpty(errors);
        Assert.AreEqual(PeerLimits.Unlimited, config!.Limits.For("b.test"));
    }

    [TestMethod]
    public void ADomainOverridesTheDefaultKeyByKey()
    {
        var values = BridgeConfigReaderTests.ValidValues();
        values["Bridge:Limits:MessagesPerSecond"] = "20";
        values["Bridge:Limits:SubscriptionsPerSecond"] = "5";
        values["Bridge:Domains:b.test:Limits:MessagesPerSecond"] = "3";
        var errors = new List<string>();

        var config = Read(values, errors);

        Assert.IsEmpty(errors);
        Assert.AreEqual(new PeerLimits(20, 5), config!.Limits.For("a.test"));
        Assert.AreEqual(new PeerLimits(3, 5), config.Limits.For("b.test"));
        Assert.AreEqual(new PeerLimits(3, 5), config.Limits.For("B.Test"));
    }

    [TestMethod]
    [DataRow("Bridge:Limits:MessagesPerSecond", "fast", "Bridge:Limits:MessagesPerSecond: 'fast' is not a whole number of requests per second (0 for no limit)")]
    [DataRow("Bridge:Limits:SubscriptionsPerSecond", "-1", "Bridge:Limits:SubscriptionsPerSecond: '-1' is not a whole number of requests per second (0 for no limit)")]
    [DataRow("Bridge:Domains:b.test:Limits:MessagesPerSecond", "2000000", "Bridge:Domains:b.test:Limits:MessagesPerSecond: 2000000 is outside 0..1000000 (0 for no limit)")]
    [DataRow("Bridge:Sip:MaxHeaderCount", "0", "Bridge:Sip:MaxHeaderCount: 0 is outside 8..1024")]
    [DataRow("Bridge:Sip:MaxLineLength", "100", "Bridge:Sip:MaxLineLength: 100 is outside 256..65535")]
    public void BadValuesAreNamed(string key, string value, string expected)
    {
        var values = BridgeConfigReaderTests.ValidValues();
        values[key] = value;
        var errors = new List<string>();

        Assert.IsNull(Read(values, errors));
        CollectionAssert.Contains(errors, expected, string.Join("\n", errors));
    }

    [TestMethod]
    public void SipParserLimitsAreRead()
    {
        var values = BridgeConfigReaderTests.ValidValues();
        values["Bridge:Sip:MaxHeaderCount"] = "64";
        values["Bridge:Sip:MaxLineLength"] = "4096";
        var errors = new List<string>();

        var config = Read(values, errors);

        Assert.IsEmpty(errors);
        Assert.AreEqual(64, config!.Sip.MaxHeaderCount);
        Assert.AreEqual(4096, config.Sip.MaxLineLength);
        var defaults = Read(BridgeConfigReaderTests.ValidValues(), errors)!.Sip;
        Assert.AreEqual((65535, 128, 8192), (defaults.MaxMessageBytes, defaults.MaxHeaderCount, defaults.MaxLineLength));
    }
}

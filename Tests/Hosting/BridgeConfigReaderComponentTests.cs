using Bridge.Hosting.Configuration;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bridge.Tests.Hosting;

/// <summary>Bridge:Xmpp:Component and Bridge:Resilience: read, defaulted, and refused with one line naming the key.</summary>
[TestClass]
public sealed class BridgeConfigReaderComponentTests
{
    private static (BridgeConfig? Config, List<string> Errors) Read(params (string Key, string? Value)[] extra)
    {
        var values = BridgeConfigReaderTests.ValidValues();
        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }
        var errors = new List<string>();
        var config = BridgeConfigReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), errors);
        return (config, errors);
    }

    private static (string, string?)[] Component(string name = "b.test", string? port = "5347", string secret = "s3cret", string host = "127.0.0.1") =>
    [
        ("Bridge:Xmpp:Component:Host", host),
        ("Bridge:Xmpp:Component:Port", port),
        ("Bridge:Xmpp:Component:Name", name),
        ("Bridge:Xmpp:Component:Secret", secret),
    ];

    [TestMethod]
    public void WithoutTheSectionThereIsNoComponentAndResilienceHasItsDefaults()
    {
        var (config, errors) = Read();
        Assert.IsEmpty(errors, string.Join(" | ", errors));
        Assert.IsNull(config!.Xmpp.Component);
        Assert.AreEqual(new ResilienceSettings(1000, 30, 30), config.Resilience);
    }

    [TestMethod]
    public void ReadsTheComponent()
    {
        var (config, errors) = Read(Component(name: "B.Test", port: null));
        Assert.IsEmpty(errors, string.Join(" | ", errors));
        Assert.AreEqual(new ComponentSettings("127.0.0.1", ComponentSettings.DefaultPort, "b.test", "s3cret"), config!.Xmpp.Component);
    }

    [TestMethod]
    public void ReadsResilience()
    {
        var (config, errors) = Read(("Bridge:Resilience:QueueLimit", "10"), ("Bridge:Resilience:QueueDeadlineSeconds", "2.5"), ("Bridge:Resilience:ReconnectMaxDelaySeconds", "5"));
        Assert.IsEmpty(errors, string.Join(" | ", errors));
        Assert.AreEqual(new ResilienceSettings(10, 2.5, 5), config!.Resilience);
    }

    [TestMethod]
    [DataRow("Bridge:Xmpp:Component:Name", "a.test", "Bridge:Xmpp:Component:Name: 'a.test' is not a configured sip domain")]
    [DataRow("Bridge:Xmpp:Component:Name", "nowhere.test", "Bridge:Xmpp:Component:Name: 'nowhere.test' is not a configured sip domain")]
    [DataRow("Bridge:Xmpp:Component:Secret", "", "Bridge:Xmpp:Component:Secret: is required")]
    [DataRow("Bridge:Xmpp:Component:Host", " ", "Bridge:Xmpp:Component:Host: is required")]
    [DataRow("Bridge:Xmpp:Component:Port", "70000", "Bridge:Xmpp:Component:Port: 70000 is not a port")]
    [DataRow("Bridge:Xmpp:Component:Port", "x", "Bridge:Xmpp:Component:Port: 'x' is not an integer")]
    [DataRow("Bridge:Resilience:QueueLimit", "0", "Bridge:Resilience:QueueLimit: 0 is not between")]
    [DataRow("Bridge:Resilience:QueueDeadlineSeconds", "-1", "Bridge:Resilience:QueueDeadlineSeconds: -1 is not")]
    [DataRow("Bridge:Resilience:QueueDeadlineSeconds", "soon", "Bridge:Resilience:QueueDeadlineSeconds: 'soon' is not a number of seconds")]
    [DataRow("Bridge:Resilience:ReconnectMaxDelaySeconds", "0", "Bridge:Resilience:ReconnectMaxDelaySeconds: 0 is not")]
    public void AnInvalidValueIsOneLineNamingItsKey(string key, string value, string expected)
    {
        var settings = Component().ToList();
        settings.RemoveAll(s => s.Item1 == key);
        settings.Add((key, value));
        var (config, errors) = Read([.. settings]);
        Assert.IsNull(config);
        Assert.HasCount(1, errors, string.Join(" | ", errors));
        StringAssert.StartsWith(errors[0], expected);
    }
}

using Bridge.Hosting;

namespace Bridge.Tests.Hosting;

[TestClass]
[DoNotParallelize] // Redirects Console.Error.
public sealed class BridgeApplicationTests
{
    [TestMethod]
    public async Task AnInvalidConfigDoesNotStartAndPrintsOneLinePerProblem()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bridge-bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "Bridge": {
                "Xmpp": { "Listen": "127.0.0.2:5269", "DialbackSecret": "" },
                "Sip": { "Listen": [ "udp:127.0.0.2:5060" ] },
                "Domains": { "a.test": { "Protocol": "xmpp" },
                             "b.test": { "Protocol": "sip", "Route": "sip:127.0.0.1:5060", "TrustedAddresses": [ "127.0.0.1" ] } },
                "Peerings": [ { "Domains": [ "a.test", "c.test" ], "Services": [ "message" ] } ] } }
            """);
        var stderr = new StringWriter();
        var previous = Console.Error;
        Console.SetError(stderr);
        try
        {
            Assert.IsTrue(CommandLine.TryParse(["--config", file], out var cl, out _));
            var code = await BridgeApplication.RunAsync(cl);
            Assert.AreEqual(2, code);
        }
        finally
        {
            Console.SetError(previous);
            File.Delete(file);
        }
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.IsTrue(lines.Length >= 2, stderr.ToString());
        Assert.IsTrue(lines.Any(l => l.Contains("DialbackSecret", StringComparison.Ordinal)), stderr.ToString());
        Assert.IsTrue(lines.Any(l => l.Contains("c.test", StringComparison.Ordinal)), stderr.ToString());
    }

    [TestMethod]
    public void ConfigArgumentIsRequiredToNameAnExistingFile()
    {
        Assert.IsFalse(CommandLine.TryParse(["--config", "/nonexistent/bridge.json"], out _, out var error));
        StringAssert.Contains(error, "does not exist");
        Assert.IsFalse(CommandLine.TryParse(["--config"], out _, out _));
    }

    [TestMethod]
    public void OtherArgumentsBecomeConfigurationOverrides()
    {
        Assert.IsTrue(CommandLine.TryParse(["--Bridge:Logging:LogBodies=true"], out var cl, out _));
        Assert.IsNull(cl.ConfigFile);
        var configuration = BridgeApplication.BuildConfiguration(cl);
        Assert.AreEqual("true", configuration["Bridge:Logging:LogBodies"]);
    }
}

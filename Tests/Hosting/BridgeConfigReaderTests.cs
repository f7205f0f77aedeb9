using System.Net;
using System.Text;
using Bridge.Hosting.Configuration;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bridge.Tests.Hosting;

[TestClass]
public sealed class BridgeConfigReaderTests
{
    /// <summary>The repository's appsettings.json, found from the test output or by walking up to Bridge.sln.</summary>
    internal static string AppSettingsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bridge.sln")))
            {
                return Path.Combine(dir.FullName, "appsettings.json");
            }
        }

        throw new FileNotFoundException("Bridge.sln not found above " + AppContext.BaseDirectory);
    }

    private static IConfigurationRoot Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static IConfigurationRoot Memory(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    internal static Dictionary<string, string?> ValidValues() => new()
    {
        ["Bridge:Xmpp:Listen"] = "127.0.0.2:5269",
        ["Bridge:Xmpp:DialbackSecret"] = "change-me",
        ["Bridge:Sip:Listen:0"] = "udp:127.0.0.2:5060",
        ["Bridge:Domains:a.test:Protocol"] = "xmpp",
        ["Bridge:Domains:b.test:Protocol"] = "sip",
        ["Bridge:Domains:b.test:Route"] = "sip:127.0.0.1:5060",
        ["Bridge:Domains:b.test:TrustedAddresses:0"] = "127.0.0.1",
        ["Bridge:Peerings:0:Domains:0"] = "a.test",
        ["Bridge:Peerings:0:Domains:1"] = "b.test",
        ["Bridge:Peerings:0:Services:0"] = "message",
    };

    [TestMethod]
    public void Reads_the_shipped_appsettings_json()
    {
        var root = new ConfigurationBuilder().AddJsonFile(AppSettingsPath(), optional: false).Build();
        var errors = new List<string>();

        var config = BridgeConfigReader.Read(root, errors);

        Assert.IsEmpty(errors, string.Join(" | ", errors));
        Assert.IsNotNull(config);
        Assert.AreEqual(new HostPort("127.0.0.2", 5269), config.Xmpp.Listen);
        Assert.AreEqual("change-me", config.Xmpp.DialbackSecret);
        Assert.AreEqual(262144, config.Xmpp.MaxStanzaBytes);
        Assert.IsNull(config.Xmpp.ConnectTimeout);
        CollectionAssert.AreEqual(
            new[]
            {
                new SipListenEndpoint(TransportKind.Udp, IPAddress.Parse("127.0.0.2"), 5060),
                new SipListenEndpoint(TransportKind.Tcp, IPAddress.Parse("127.0.0.2"), 5060),
            },
            config.Sip.Listen.ToArray());
        Assert.AreEqual(65535, config.Sip.MaxMessageBytes);
        Assert.HasCount(2, config.Domains);
        var a = config.Domains["A.TEST"];
        Assert.AreEqual(DomainProtocol.Xmpp, a.Protocol);
        Assert.IsNull(a.Route);
        var b = config.Domains["b.test"];
        Assert.AreEqual(DomainProtocol.Sip, b.Protocol);
        Assert.AreEqual(new RouteTarget("127.0.0.1", 5060, TransportKind.Udp), b.Route);
        CollectionAssert.AreEqual(new[] { IPAddress.Parse("127.0.0.1") }, b.TrustedAddresses.ToArray());
        var peering = config.Peerings.Single();
        CollectionAssert.AreEqual(new[] { "a.test", "b.test" }, peering.Domains.ToArray());
        Assert.IsTrue(peering.Services.SetEquals([BridgeService.Message]));
        Assert.IsFalse(config.Logging.LogBodies);
    }

    [TestMethod]
    public void Reads_every_key()
    {
        var (cert, key, ca) = BridgeConfigReaderTlsTests.WritePem();
        var config = BridgeConfigReader.Read(Json($$"""
            {
              "Bridge": {
                "Xmpp": { "Listen": "[::1]:5269", "DialbackSecret": "s", "MaxStanzaBytes": "500000", "ConnectTimeoutSeconds": 2.5 },
                "Sip": { "Listen": [ "tls:[::1]:5061", "udp:127.0.0.2:5060" ], "MaxMessageBytes": 4096 },
                "Domains": {
                  "X.Test": { "Protocol": "XMPP", "Route": "xmpp.x.test:5270" },
                  "y.test": { "Protocol": "sip", "Route": "sips:proxy.y.test", "TrustedAddresses": [ "127.0.0.1", "::1" ] }
                },
                "Peerings": [ { "Domains": [ "x.test", "Y.test" ], "Services": [ "message", "presence", "chat", "groupchat", "filetransfer" ] } ],
                "Logging": { "LogBodies": true },
                "Storage": { "Path": "/var/lib/bridge/state.db", "FlushIntervalMilliseconds": 50 },
                "Tls": { "CertificateFile": "{{cert}}", "KeyFile": "{{key}}", "CaFile": "{{ca}}" }
              }
            }
            """), []);

        Assert.IsNotNull(config);
        Assert.AreEqual(new HostPort("::1", 5269), config.Xmpp.Listen);
        Assert.AreEqual(500000, config.Xmpp.MaxStanzaBytes);
        Assert.AreEqual(TimeSpan.FromSeconds(2.5), config.Xmpp.ConnectTimeout);
        Assert.AreEqual(new SipListenEndpoint(TransportKind.Tls, IPAddress.IPv6Loopback, 5061), config.Sip.Listen[0]);
        Assert.AreEqual(4096, config.Sip.MaxMessageBytes);
        Assert.AreEqual("x.test", config.Domains["x.test"].Name);
        Assert.AreEqual(new RouteTarget("xmpp.x.test", 5270, TransportKind.Tcp), config.Domains["x.test"].Route);
        Assert.AreEqual(new RouteTarget("proxy.y.test", 5061, TransportKind.Tls), config.Domains["y.test"].Route);
        Assert.HasCount(2, config.Domains["y.test"].TrustedAddresses);
        CollectionAssert.AreEqual(new[] { "x.test", "y.test" }, config.Peerings[0].Domains.ToArray());
        Assert.HasCount(5, config.Peerings[0].Services);
        Assert.IsTrue(config.Logging.LogBodies);
        Assert.AreEqual(new StorageSettings("/var/lib/bridge/state.db", 50), config.Storage);
        Assert.AreEqual(new TlsSettings(cert, key, ca), config.Tls);
    }

    [TestMethod]
    public void Storage_defaults_to_a_file_in_the_working_directory()
    {
        var config = BridgeConfigReader.Read(Memory(ValidValues()), []);
        Assert.IsNotNull(config);
        Assert.AreEqual(new StorageSettings(StorageSettings.DefaultPath, 200), config.Storage);
        Assert.IsFalse(config.Storage.IsInMemory);
    }

    [TestMethod]
    public void Bad_storage_values_are_named()
    {
        var values = ValidValues();
        values["Bridge:Storage:Path"] = " ";
        values["Bridge:Storage:FlushIntervalMilliseconds"] = "0";
        var errors = new List<string>();

        Assert.IsNull(BridgeConfigReader.Read(Memory(values), errors));
        Assert.IsTrue(errors.Any(e => e.StartsWith("Bridge:Storage:Path", StringComparison.Ordinal)), string.Join(" | ", errors));
        Assert.IsTrue(errors.Any(e => e.StartsWith("Bridge:Storage:FlushIntervalMilliseconds", StringComparison.Ordinal)), string.Join(" | ", errors));
    }

    [TestMethod]
    public void Array_items_keep_numeric_order_past_ten()
    {
        var values = ValidValues();
        for (var i = 0; i < 12; i++)
        {
            values[$"Bridge:Sip:Listen:{i}"] = $"udp:127.0.0.{i + 2}:5060";
        }

        var config = BridgeConfigReader.Read(Memory(values), []);
        Assert.IsNotNull(config);
        CollectionAssert.AreEqual(
            Enumerable.Range(0, 12).Select(i => IPAddress.Parse($"127.0.0.{i + 2}")).ToArray(),
            config.Sip.Listen.Select(l => l.Address).ToArray());
    }

    [TestMethod]
    [DataRow("Bridge:Xmpp:Listen", "localhost:5269", "Bridge:Xmpp:Listen: 'localhost:5269' is not \"ip:port\"")]
    [DataRow("Bridge:Xmpp:Listen", "127.0.0.2", "Bridge:Xmpp:Listen: '127.0.0.2' is not \"ip:port\"")]
    [DataRow("Bridge:Xmpp:MaxStanzaBytes", "lots", "Bridge:Xmpp:MaxStanzaBytes: 'lots' is not an integer")]
    [DataRow("Bridge:Xmpp:ConnectTimeoutSeconds", "-1", "Bridge:Xmpp:ConnectTimeoutSeconds: '-1' is not a number of seconds between 0 and 86400")]
    [DataRow("Bridge:Sip:Listen:0", "udp:127.0.0.2", "Bridge:Sip:Listen:0: 'udp:127.0.0.2' is not \"udp|tcp|tls:address:port\"")]
    [DataRow("Bridge:Sip:MaxMessageBytes", "1e3", "Bridge:Sip:MaxMessageBytes: '1e3' is not an integer")]
    [DataRow("Bridge:Domains:a.test:Protocol", "smtp", "Bridge:Domains:a.test:Protocol: 'smtp' is not \"xmpp\" or \"sip\"")]
    [DataRow("Bridge:Domains:b.test:Route", "127.0.0.1:5060", "Bridge:Domains:b.test:Route: '127.0.0.1:5060' is not \"sip:host[:port][;transport=udp|tcp|tls]\"")]
    [DataRow("Bridge:Domains:b.test:TrustedAddresses:0", "kamailio", "Bridge:Domains:b.test:TrustedAddresses:0: 'kamailio' is not an IP address")]
    [DataRow("Bridge:Peerings:0:Services:0", "sms", "Bridge:Peerings:0:Services:0: 'sms' is not one of message, presence, chat, groupchat, filetransfer")]
    [DataRow("Bridge:Logging:LogBodies", "yes", "Bridge:Logging:LogBodies: 'yes' is not true or false")]
    public void Malformed_value_gives_one_line_naming_the_key(string key, string value, string problem)
    {
        var values = ValidValues();
        values[key] = value;
        var errors = new List<string>();

        Assert.IsNull(BridgeConfigReader.Read(Memory(values), errors));
        Assert.AreEqual(problem, errors.Single());
    }

    [TestMethod]
    public void Validator_lines_are_appended()
    {
        var values = ValidValues();
        values["Bridge:Xmpp:DialbackSecret"] = "";
        values["Bridge:Peerings:0:Domains:1"] = "c.test";
        var errors = new List<string> { "earlier line" };

        Assert.IsNull(BridgeConfigReader.Read(Memory(values), errors));
        CollectionAssert.AreEquivalent(
            new[]
            {
                "earlier line",
                "Bridge:Xmpp:DialbackSecret: is required (XEP-0185 dialback keys are derived from it)",
                "Bridge:Peerings:0:Domains: 'c.test' is not a configured domain",
                "Bridge:Peerings:0:Domains: needs at least one xmpp and one sip domain to bridge anything",
            },
            errors);
    }

    [TestMethod]
    public void Missing_section_is_an_error()
    {
        var errors = new List<string>();
        Assert.IsNull(BridgeConfigReader.Read(Memory(new() { ["Other:Key"] = "x" }), errors));
        Assert.AreEqual("Bridge: section is missing", errors.Single());
    }

    [TestMethod]
    public void Missing_dialback_secret_is_reported()
    {
        var values = ValidValues();
        values.Remove("Bridge:Xmpp:DialbackSecret");
        var errors = new List<string>();
        Assert.IsNull(BridgeConfigReader.Read(Memory(values), errors));
        Assert.AreEqual("Bridge:Xmpp:DialbackSecret: is required (XEP-0185 dialback keys are derived from it)", errors.Single());
    }
}

using System.Text;
using Bridge.Hosting.Configuration;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bridge.Tests.Mapping.Configuration;

/// <summary>Bridge:Presence:Lists and PrivateListsFolder: reading and the admin's possible mistakes.</summary>
[TestClass]
public sealed class PresenceListsConfigTests
{
    private static BridgeConfig? Read(string presenceJson, List<string> errors) =>
        BridgeConfigReader.Read(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""
            {
              "Bridge": {
                "Xmpp": { "Listen": "127.0.0.2:5269", "DialbackSecret": "s" },
                "Sip": { "Listen": [ "udp:127.0.0.2:5060" ] },
                "Domains": {
                  "a.test": { "Protocol": "xmpp" },
                  "b.test": { "Protocol": "sip", "Route": "sip:127.0.0.1:5060", "TrustedAddresses": [ "127.0.0.1" ] }
                },
                "Peerings": [ { "Domains": [ "a.test", "b.test" ], "Services": [ "presence" ] } ],
                "Presence": {{presenceJson}}
              }
            }
            """))).Build(), errors);

    [TestMethod]
    public void Lists_are_read_with_name_and_members_in_order()
    {
        var errors = new List<string>();
        var config = Read("""{ "Lists": { "support@a.test": { "Name": "Support", "Members": [ "alice@a.test", "d'artagnan@a.test" ] } } }""", errors);
        Assert.IsEmpty(errors, string.Join(" | ", errors));
        var list = config!.Presence.Lists.Single();
        Assert.AreEqual(new ChatAddress("support", "a.test"), list.Address);
        Assert.AreEqual("Support", list.Name);
        CollectionAssert.AreEqual(new[] { new ChatAddress("alice", "a.test"), new ChatAddress("d'artagnan", "a.test") }, list.Members.ToArray());
        Assert.IsNull(config.Presence.PrivateListsFolder);
    }

    [TestMethod]
    public void Without_the_section_there_are_no_lists()
    {
        var errors = new List<string>();
        var config = Read("{}", errors);
        Assert.IsEmpty(errors, string.Join(" | ", errors));
        Assert.IsEmpty(config!.Presence.Lists);
    }

    [TestMethod]
    [DataRow("""{ "Lists": { "support": { "Members": [ "alice@a.test" ] } } }""", "Bridge:Presence:Lists:support: 'support' is not a user@domain address")]
    [DataRow("""{ "Lists": { "support@b.test": { "Members": [ "alice@a.test" ] } } }""", "'b.test' is not a configured xmpp domain")]
    [DataRow("""{ "Lists": { "support@a.test": { "Members": [ "bob@b.test" ] } } }""", "'bob@b.test' is not in a configured xmpp domain")]
    [DataRow("""{ "Lists": { "support@a.test": { "Name": "x" } } }""", "a list needs at least one member")]
    [DataRow("""{ "Lists": { "support@a.test": { "Members": [ "alice" ] } } }""", "'alice' is not a user@domain address")]
    [DataRow("""{ "PrivateListsFolder": "/nonexistent/bridge-lists" }""", "Bridge:Presence:PrivateListsFolder: '/nonexistent/bridge-lists' is not a folder")]
    public void Mistakes_are_named_and_refuse_the_config(string presence, string expected)
    {
        var errors = new List<string>();
        Assert.IsNull(Read(presence, errors));
        Assert.IsTrue(errors.Any(e => e.Contains(expected, StringComparison.Ordinal)), string.Join(" | ", errors));
    }
}

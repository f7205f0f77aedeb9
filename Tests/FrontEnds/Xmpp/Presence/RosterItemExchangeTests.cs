using System.Collections.Immutable;
using Bridge.FrontEnds.Xmpp.Presence;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;

namespace Bridge.Tests.FrontEnds.Xmpp.Presence;

/// <summary>XEP-0144 §3.1: a list's members offered as roster items from the list to the watcher.</summary>
[TestClass]
public sealed class RosterItemExchangeTests
{
    private static readonly ChatAddress List = new("friends", "b.test");
    private static readonly ChatAddress Alice = new("alice", "a.test", "phone");

    [TestMethod]
    public void Each_member_is_an_add_item_in_the_lists_group_with_its_name()
    {
        var members = new PresenceEvent(PresenceEventKind.ListMembers, List, Alice, Members:
        [
            new ListMember(new ChatAddress("bob", "b.test"), ImmutableDictionary<string, string>.Empty.Add("", "Bob Builder")),
            new ListMember(new ChatAddress("d'artagnan", "b.test"), ImmutableDictionary<string, string>.Empty.Add("fr", "D'Artagnan")),
            new ListMember(new ChatAddress("carol", "b.test"), ImmutableDictionary<string, string>.Empty),
        ]);

        var message = RosterItemExchange.Create(members, "id1")!;

        Assert.AreEqual("friends@b.test", (string?)message.Attribute("from"));
        Assert.AreEqual("alice@a.test", (string?)message.Attribute("to"), "addressed to the bare JID: every client of the user may offer it");
        Assert.AreEqual("id1", (string?)message.Attribute("id"));
        var items = message.Element(RosterItemExchange.Namespace + "x")!.Elements(RosterItemExchange.Namespace + "item").ToList();
        Assert.HasCount(3, items);
        Assert.IsTrue(items.All(i => (string?)i.Attribute("action") == "add" && i.Element(RosterItemExchange.Namespace + "group")!.Value == "friends"));
        Assert.AreEqual("bob@b.test", (string?)items[0].Attribute("jid"));
        Assert.AreEqual("Bob Builder", (string?)items[0].Attribute("name"));
        Assert.AreEqual(@"d\27artagnan@b.test", (string?)items[1].Attribute("jid"), "XEP-0106 escaping");
        Assert.AreEqual("D'Artagnan", (string?)items[1].Attribute("name"));
        Assert.IsNull(items[2].Attribute("name"));
        StringAssert.Contains(message.Element(Bridge.Xmpp.XmppNamespaces.Server + "body")!.Value, "bob@b.test");
    }

    [TestMethod]
    public void No_member_means_no_message()
    {
        Assert.IsNull(RosterItemExchange.Create(new PresenceEvent(PresenceEventKind.ListMembers, List, Alice), "x"));
    }
}

using Bridge.FrontEnds.Xmpp.Presence;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;

namespace Bridge.Tests.FrontEnds.Xmpp.Presence;

[TestClass]
public sealed class InMemoryXmppPresenceCacheTests
{
    private static readonly ChatAddress Alice = new("alice", "a.test");
    private static readonly ChatAddress Bob = new("bob", "b.test");
    private static readonly ChatAddress Carol = new("carol", "b.test");

    [TestMethod]
    public void InboundStateIsPerWatcherAndDisappearsWhenNothingIsAvailable()
    {
        var cache = new InMemoryXmppPresenceCache();
        cache.ApplyInbound(Alice, Bob, PresenceSource.Online("phone"));
        var forCarol = cache.ApplyInbound(Alice, Carol, PresenceSource.Online("laptop"));
        var both = cache.ApplyInbound(Alice, Bob with { Resource = "x" }, PresenceSource.Online("laptop"));

        CollectionAssert.AreEqual(new[] { PresenceSource.Online("laptop") }, forCarol.ToArray());
        CollectionAssert.AreEqual(new[] { PresenceSource.Online("phone"), PresenceSource.Online("laptop") }, both.ToArray());

        cache.ApplyInbound(Alice, Bob, PresenceSource.Offline("phone"));
        var last = cache.ApplyInbound(Alice, Bob, PresenceSource.Offline("laptop"));
        cache.ApplyInbound(Alice, Carol, PresenceSource.Offline("laptop"));

        CollectionAssert.AreEqual(new[] { PresenceSource.Offline("laptop") }, last.ToArray());
        Assert.AreEqual(0, cache.Count);
    }

    [TestMethod]
    public void AnnouncedResourcesAreReplacedAndDroppedWhenEmpty()
    {
        var cache = new InMemoryXmppPresenceCache();
        Assert.IsEmpty(cache.ReplaceAnnounced(Bob, Alice, new HashSet<string> { "desk", "phone" }));
        var before = cache.ReplaceAnnounced(Bob, Alice with { Resource = "r" }, new HashSet<string> { "desk" });
        CollectionAssert.AreEquivalent(new[] { "desk", "phone" }, before.ToArray());
        CollectionAssert.AreEquivalent(new[] { "desk" }, cache.Forget(Bob, Alice).ToArray());
        Assert.AreEqual(0, cache.Count);
    }

    [TestMethod]
    public void BoundsHoldButEventsStillCarryTheCurrentSource()
    {
        var cache = new InMemoryXmppPresenceCache(maxPairs: 1, maxResourcesPerPair: 1);
        cache.ApplyInbound(Alice, Bob, PresenceSource.Online("a"));
        var extraResource = cache.ApplyInbound(Alice, Bob, PresenceSource.Online("b"));
        var extraPair = cache.ApplyInbound(Alice, Carol, PresenceSource.Online("c"));

        CollectionAssert.AreEqual(new[] { PresenceSource.Online("a"), PresenceSource.Online("b") }, extraResource.ToArray());
        CollectionAssert.AreEqual(new[] { PresenceSource.Online("c") }, extraPair.ToArray());
        Assert.AreEqual(1, cache.Count);
        CollectionAssert.AreEqual(new[] { PresenceSource.Online("a") }, cache.ApplyInbound(Alice, Bob, PresenceSource.Online("a")).ToArray());
    }

    [TestMethod]
    public void APendingSubscribeIsTakenOnceAndOldOnesAreEvicted()
    {
        var cache = new InMemoryXmppPresenceCache(maxPairs: 2, maxResourcesPerPair: 4);
        cache.RecordSubscribeSent(Bob, Alice);
        Assert.IsTrue(cache.TryTakeSubscribeSent(Bob with { Resource = "x" }, Alice));
        Assert.IsFalse(cache.TryTakeSubscribeSent(Bob, Alice));

        cache.RecordSubscribeSent(Bob, Alice);
        cache.RecordSubscribeSent(Carol, Alice);
        cache.RecordSubscribeSent(Bob, Carol);
        Assert.IsFalse(cache.TryTakeSubscribeSent(Bob, Alice));
        Assert.IsTrue(cache.TryTakeSubscribeSent(Bob, Carol));
    }
}

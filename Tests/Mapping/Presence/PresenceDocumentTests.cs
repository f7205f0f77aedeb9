using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;

namespace Bridge.Tests.Mapping.Presence;

[TestClass]
public sealed class PresenceDocumentTests
{
    private static readonly ChatAddress Juliet = new("juliet", "a.test");

    private static PresenceSource Src(string id, sbyte priority, PresenceAvailability a = PresenceAvailability.Available) =>
        new(id, a, PresenceShow.None, ImmutableDictionary<string, string>.Empty, priority);

    [TestMethod]
    public void AggregateIsTheHighestPriorityAvailableSource()
    {
        var doc = new PresenceDocument(Juliet, [Src("low", 1), Src("off", 100, PresenceAvailability.Unavailable), Src("high", 50), Src("neg", -5)]);
        Assert.AreEqual("high", doc.Aggregate!.Id);
        Assert.IsTrue(doc.IsAvailable);
    }

    [TestMethod]
    public void AmongEqualPrioritiesTheFirstListedWins()
    {
        var doc = new PresenceDocument(Juliet, [Src("a", 5), Src("b", 5)]);
        Assert.AreEqual("a", doc.Aggregate!.Id);
    }

    [TestMethod]
    public void NegativePriorityStillCountsWhenItIsAllThereIs()
    {
        var doc = new PresenceDocument(Juliet, [Src("pbx", -1)]);
        Assert.AreEqual("pbx", doc.Aggregate!.Id);
    }

    [TestMethod]
    public void NoAvailableSourceMeansNoAggregate()
    {
        var doc = new PresenceDocument(Juliet, [Src("a", 5, PresenceAvailability.Unavailable)]);
        Assert.IsNull(doc.Aggregate);
        Assert.IsFalse(doc.IsAvailable);
        Assert.IsNull(new PresenceDocument(Juliet, default).Aggregate);
    }

    [TestMethod]
    public void SourcesCompareByContent()
    {
        var a = new PresenceSource("r", PresenceAvailability.Available, PresenceShow.Away,
            ImmutableDictionary<string, string>.Empty.Add("en", "out"), 3, ["tv"]);
        var b = new PresenceSource("r", PresenceAvailability.Available, PresenceShow.Away,
            new Dictionary<string, string> { ["en"] = "out" }.ToImmutableDictionary(), 3, ["tv"]);
        Assert.AreEqual(a, b);
        Assert.AreNotEqual(a, b with { Status = ImmutableDictionary<string, string>.Empty.Add("de", "out") });
        Assert.AreNotEqual(a, b with { Activities = ["playing"] });
        Assert.AreEqual(new PresenceDocument(Juliet, [a]), new PresenceDocument(Juliet, [b]));
    }
}

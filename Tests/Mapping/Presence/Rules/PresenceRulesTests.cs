using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Mapping.Presence.Rules;

namespace Bridge.Tests.Mapping.Presence.Rules;

/// <summary>RFC 4745 combining and RFC 5025 transformations, in canonical terms.</summary>
[TestClass]
public sealed class PresenceRulesTests
{
    private static readonly ChatAddress Alice = new("alice", "a.test");
    private static readonly ChatAddress Dave = new("dave", "a.test");
    private static readonly ChatAddress Eve = new("eve", "a.test");
    private static readonly ChatAddress Mallory = new("mallory", "c.test");
    private static readonly ChatAddress Bob = new("bob", "b.test");

    private static readonly PresenceRules Rules = new(
    [
        // Everyone at a.test but eve may subscribe and see activities; alice also sees notes.
        new PresenceRule("domain", [], ["a.test"], [Eve], SubHandling.Allow, ProvideNote: false, ProvideActivities: true),
        new PresenceRule("alice", [Alice], [], [], SubHandling.Allow, ProvideNote: true, ProvideActivities: false),
        new PresenceRule("eve", [Eve], [], [], SubHandling.PoliteBlock, false, false),
    ]);

    private static PresenceDocument Busy() => new(Bob,
    [
        new PresenceSource("pc", PresenceAvailability.Available, PresenceShow.DoNotDisturb,
            ImmutableDictionary<string, string>.Empty.Add("en", "In a meeting"), 10, ["busy"]),
    ]);

    [TestMethod]
    public void Matching_rules_combine_by_maximum_and_or()
    {
        Assert.AreEqual(new PresenceGrant(SubHandling.Allow, ProvideNote: true, ProvideActivities: true), Rules.For(Alice with { Resource = "phone" }));
        Assert.AreEqual(new PresenceGrant(SubHandling.Allow, ProvideNote: false, ProvideActivities: true), Rules.For(Dave));
        Assert.AreEqual(new PresenceGrant(SubHandling.PoliteBlock, false, false), Rules.For(Eve), "except takes eve out of the domain rule");
        Assert.AreEqual(PresenceGrant.Nothing, Rules.For(Mallory), "no matching rule: no permission");
        Assert.AreEqual(PresenceGrant.Nothing, PresenceRules.Empty.For(Alice));
    }

    [TestMethod]
    public void A_rule_without_identity_condition_applies_to_everyone()
    {
        var open = new PresenceRules([new PresenceRule("all", [], [], [], SubHandling.Allow, true, true)]);
        Assert.AreEqual(SubHandling.Allow, open.For(Mallory).SubHandling);
        var anyDomain = new PresenceRules([new PresenceRule("many", [], ["*"], [Mallory], SubHandling.Allow, false, false)]);
        Assert.AreEqual(SubHandling.Allow, anyDomain.For(Alice).SubHandling);
        Assert.AreEqual(SubHandling.Block, anyDomain.For(Mallory).SubHandling);
    }

    [TestMethod]
    public void Transformations_hide_notes_and_activities_but_never_availability()
    {
        var full = Rules.For(Alice).Apply(Busy())!.Sources.Single();
        Assert.AreEqual("In a meeting", full.Status["en"]);
        Assert.AreEqual(PresenceShow.DoNotDisturb, full.Show);

        var noNote = Rules.For(Dave).Apply(Busy())!.Sources.Single();
        Assert.IsEmpty(noNote.Status, "provide-note false");
        Assert.AreEqual(PresenceShow.DoNotDisturb, noNote.Show);
        Assert.AreEqual(PresenceAvailability.Available, noNote.Availability);
        Assert.AreEqual(10, noNote.Priority);

        var plain = new PresenceGrant(SubHandling.Allow, true, false).Apply(Busy())!.Sources.Single();
        Assert.AreEqual(PresenceShow.None, plain.Show, "provide-activities false: no show either, it is derived from them");
        Assert.IsEmpty(plain.Activities);

        Assert.IsNull(Rules.For(Eve).Apply(Busy()), "polite-block sees nothing");
        Assert.IsNull(Rules.For(Mallory).Apply(Busy()));
    }
}

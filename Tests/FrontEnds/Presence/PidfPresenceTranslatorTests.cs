using System.Collections.Immutable;
using System.Text;
using Bridge.FrontEnds.Sip.Presence;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Sip.Simple;
using Bridge.Tests.Sip.Simple;

namespace Bridge.Tests.FrontEnds.Presence;

[TestClass]
public sealed class PidfPresenceTranslatorTests
{
    private static readonly ChatAddress Alice = new("alice", "sip.test");

    private static PresenceDocument FromSip(string xml, ChatAddress? presentity = null)
    {
        var r = PidfParser.Parse(Encoding.UTF8.GetBytes(xml));
        Assert.IsTrue(r.Success, r.Error);
        return PidfPresenceTranslator.FromSip(r.Document, presentity ?? Alice);
    }

    private static string Doc(string basic, string activities = "", string tupleExtra = "") =>
        "<presence xmlns='urn:ietf:params:xml:ns:pidf' xmlns:dm='urn:ietf:params:xml:ns:pidf:data-model' xmlns:rpid='urn:ietf:params:xml:ns:pidf:rpid' entity='sip:alice@sip.test'>" +
        $"<tuple id='t1'><status><basic>{basic}</basic></status>{tupleExtra}</tuple>" +
        (activities.Length > 0 ? $"<dm:person id='p'><rpid:activities>{activities}</rpid:activities></dm:person>" : "") +
        "</presence>";

    [TestMethod]
    [DataRow("open", "", PresenceAvailability.Available, PresenceShow.None)]
    [DataRow("closed", "", PresenceAvailability.Unavailable, PresenceShow.None)]
    [DataRow("open", "<rpid:away/>", PresenceAvailability.Available, PresenceShow.Away)]
    [DataRow("open", "<rpid:busy/>", PresenceAvailability.Available, PresenceShow.DoNotDisturb)]
    [DataRow("open", "<rpid:on-the-phone/>", PresenceAvailability.Available, PresenceShow.DoNotDisturb)]
    [DataRow("open", "<rpid:vacation/>", PresenceAvailability.Available, PresenceShow.ExtendedAway)]
    [DataRow("open", "<rpid:meal/>", PresenceAvailability.Available, PresenceShow.Away)]
    [DataRow("open", "<rpid:away/><rpid:other>xa</rpid:other>", PresenceAvailability.Available, PresenceShow.ExtendedAway)]
    [DataRow("open", "<rpid:other>chat</rpid:other>", PresenceAvailability.Available, PresenceShow.Chat)]
    [DataRow("closed", "<rpid:busy/>", PresenceAvailability.Unavailable, PresenceShow.None)]
    public void FromSipMapsBasicAndActivities(string basic, string activities, PresenceAvailability availability, PresenceShow show)
    {
        var s = FromSip(Doc(basic, activities)).Sources.Single();
        Assert.AreEqual("t1", s.Id);
        Assert.AreEqual(availability, s.Availability);
        Assert.AreEqual(show, s.Show);
    }

    [TestMethod]
    public void ActivitiesTheShowDoesNotCoverAreKept()
    {
        var s = FromSip(Doc("open", "<rpid:on-the-phone/><rpid:tv/><rpid:other>gardening</rpid:other><rpid:other>xa</rpid:other>")).Sources.Single();
        Assert.AreEqual(PresenceShow.ExtendedAway, s.Show);
        CollectionAssert.AreEqual(new[] { "on-the-phone", "tv", "other:gardening" }, s.Activities.ToArray());
    }

    [TestMethod]
    public void AClosedTupleDoesNotTakeThePersonsActivities()
    {
        Assert.IsEmpty(FromSip(Doc("closed", "<rpid:busy/><rpid:tv/>")).Sources.Single().Activities);
    }

    [TestMethod]
    public void UnknownActivityCarriesNothing()
    {
        var s = FromSip(Doc("open", "<rpid:unknown/>")).Sources.Single();
        Assert.AreEqual(PresenceShow.None, s.Show);
        Assert.IsEmpty(s.Activities);
    }

    [TestMethod]
    public void TheActivityTheShowMapsBackToIsNotRepeated()
    {
        Assert.IsEmpty(FromSip(Doc("open", "<rpid:busy/>")).Sources.Single().Activities);
    }

    [TestMethod]
    [DataRow(null, (sbyte)0)]
    [DataRow("0", (sbyte)0)]
    [DataRow("0.001", (sbyte)0)]
    [DataRow("0.5", (sbyte)64)]
    [DataRow("0.8", (sbyte)102)]
    [DataRow("1", (sbyte)127)]
    public void ContactPriorityMapsOntoXmppPriority(string? q, sbyte expected)
    {
        var contact = q is null ? "<contact>sip:alice@sip.test</contact>" : $"<contact priority='{q}'>sip:alice@sip.test</contact>";
        Assert.AreEqual(expected, FromSip(Doc("open", tupleExtra: contact)).Sources.Single().Priority);
    }

    [TestMethod]
    [DataRow((sbyte)0, "0")]
    [DataRow((sbyte)1, "0.008")]
    [DataRow((sbyte)64, "0.504")]
    [DataRow((sbyte)127, "1")]
    [DataRow((sbyte)-1, null)]
    [DataRow((sbyte)-128, null)]
    public void XmppPriorityMapsOntoContactPriority(sbyte priority, string? expected)
    {
        Assert.AreEqual(expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), PidfPresenceTranslator.PriorityToSip(priority));
    }

    [TestMethod]
    public void EveryNonNegativePrioritySurvivesTheScale()
    {
        for (var p = 0; p <= 127; p++)
        {
            Assert.AreEqual((sbyte)p, PidfPresenceTranslator.PriorityFromSip(PidfPresenceTranslator.PriorityToSip((sbyte)p)));
        }
    }

    [TestMethod]
    public void StatusComesFromTupleNotesElsePersonNotesElseDocumentNotes()
    {
        var rfc3863 = FromSip(PidfVectors.Rfc3863Extended, new ChatAddress("someone", "example.com"));
        Assert.AreEqual("Don't Disturb Please!", rfc3863.Sources[0].Status["en"]);
        Assert.AreEqual("Ne dérangez pas, s'il vous plaît", rfc3863.Sources[0].Status["fr"]);
        Assert.AreEqual("I'll be in Tokyo next week", rfc3863.Sources[1].Status[""]);

        var kamailio = FromSip(PidfVectors.KamailioAggregated, new ChatAddress("bob", "sip.test"));
        Assert.AreEqual("On the phone", kamailio.Sources[0].Status[""]);
        Assert.AreEqual("Call me later", kamailio.Sources[1].Status[""]);
    }

    [TestMethod]
    public void NotesRepeatingALanguageAreJoinedNotDropped()
    {
        var s = FromSip(Doc("open", tupleExtra: "<note>one</note><note>two</note>")).Sources.Single();
        Assert.AreEqual("one\ntwo", s.Status[""]);
    }

    [TestMethod]
    public void BaresipBusyBecomesDoNotDisturb()
    {
        var doc = FromSip(PidfVectors.BaresipBusy);
        Assert.AreEqual(Alice, doc.Presentity);
        var s = doc.Sources.Single();
        Assert.AreEqual("t4109", s.Id);
        Assert.AreEqual(PresenceShow.DoNotDisturb, s.Show);
        Assert.AreEqual((sbyte)0, s.Priority);
    }

    [TestMethod]
    public void KamailioAggregateGivesOneSourcePerTuple()
    {
        var doc = FromSip(PidfVectors.KamailioAggregated, new ChatAddress("bob", "sip.test"));
        Assert.HasCount(2, doc.Sources);
        Assert.AreEqual("0x7f3a1c", doc.Sources[0].Id);
        Assert.AreEqual(PresenceShow.DoNotDisturb, doc.Sources[0].Show);
        Assert.AreEqual((sbyte)64, doc.Sources[0].Priority);
        Assert.AreEqual(PresenceAvailability.Unavailable, doc.Sources[1].Availability);
        Assert.AreEqual("0x7f3a1c", doc.Aggregate!.Id);
    }

    [TestMethod]
    public void Rfc4480PersonAwayAppliesToEveryOpenTuple()
    {
        var doc = FromSip(PidfVectors.Rfc4480, new ChatAddress("someone", "example.com"));
        Assert.IsTrue(doc.Sources.All(s => s.Show == PresenceShow.Away));
        Assert.AreEqual((sbyte)127, doc.Sources[1].Priority);
    }

    [TestMethod]
    public void ToSipWritesOneTuplePerResource()
    {
        var doc = new PresenceDocument(Alice,
        [
            new PresenceSource("pc", PresenceAvailability.Available, PresenceShow.DoNotDisturb,
                ImmutableDictionary<string, string>.Empty.Add("en", "Busy").Add("", "plain"), 127),
            new PresenceSource("phone one", PresenceAvailability.Available, PresenceShow.Away, ImmutableDictionary<string, string>.Empty, 5),
            new PresenceSource("old", PresenceAvailability.Unavailable, PresenceShow.None, ImmutableDictionary<string, string>.Empty, -1),
        ]);
        var pidf = PidfPresenceTranslator.ToSip(doc);
        Assert.AreEqual("sip:alice@sip.test", pidf.Entity);
        CollectionAssert.AreEqual(new[] { "ID-pc", "ID-phone_20one", "ID-old" }, pidf.Tuples.Select(t => t.Id).ToArray());
        var pc = pidf.Tuples[0];
        Assert.AreEqual(PidfBasic.Open, pc.Basic);
        Assert.AreEqual("sip:alice@sip.test;gr=pc", pc.Contact);
        Assert.AreEqual(1m, pc.ContactPriority);
        CollectionAssert.AreEqual(new[] { new PidfNote("plain"), new PidfNote("Busy", "en") }, pc.Notes.ToArray());
        CollectionAssert.AreEqual(new[] { new PidfActivity("busy") }, pc.Activities.ToArray());
        CollectionAssert.AreEqual(new[] { new PidfActivity("away") }, pidf.Tuples[1].Activities.ToArray());
        Assert.AreEqual(PidfBasic.Closed, pidf.Tuples[2].Basic);
        Assert.IsNull(pidf.Tuples[2].ContactPriority, "negative XMPP priority is not mapped");
        Assert.IsEmpty(pidf.Tuples[2].Activities);
        // A resource without show states "unknown" so it does not inherit the person's activities.
        var plain = PidfPresenceTranslator.ToSip(doc with { Sources = doc.Sources.Add(PresenceSource.Online("watch")) });
        CollectionAssert.AreEqual(new[] { new PidfActivity("unknown") }, plain.Tuples[3].Activities.ToArray());
        // The person shows the aggregate: the highest-priority available resource.
        CollectionAssert.AreEqual(new[] { new PidfActivity("busy") }, pidf.Person!.Activities.ToArray());
    }

    [TestMethod]
    [DataRow(PresenceShow.None, new string[0])]
    [DataRow(PresenceShow.Away, new[] { "away" })]
    [DataRow(PresenceShow.DoNotDisturb, new[] { "busy" })]
    [DataRow(PresenceShow.ExtendedAway, new[] { "away", "other:xa" })]
    [DataRow(PresenceShow.Chat, new[] { "other:chat" })]
    public void ASingleSourceShowGoesToThePersonOnly(PresenceShow show, string[] expected)
    {
        var pidf = PidfPresenceTranslator.ToSip(new PresenceDocument(Alice,
            [new PresenceSource("pc", PresenceAvailability.Available, show, ImmutableDictionary<string, string>.Empty)]));
        Assert.IsEmpty(pidf.Tuples[0].Activities);
        CollectionAssert.AreEqual(expected, pidf.Person!.Activities.Select(a => a.Name == "other" ? "other:" + a.Text : a.Name).ToArray());
    }

    [TestMethod]
    public void KeptActivitiesGoBackToSip()
    {
        var pidf = PidfPresenceTranslator.ToSip(new PresenceDocument(Alice,
            [new PresenceSource("t1", PresenceAvailability.Available, PresenceShow.DoNotDisturb, ImmutableDictionary<string, string>.Empty,
                Activities: ["on-the-phone", "other:gardening", "not a name"])]));
        CollectionAssert.AreEqual(
            new[] { new PidfActivity("busy"), new PidfActivity("on-the-phone"), new PidfActivity("other", "gardening"), new PidfActivity("other", "not a name") },
            pidf.Person!.Activities.ToArray());
        // And the written document is valid for our own parser.
        Assert.IsTrue(PidfParser.Parse(PidfWriter.Write(pidf)).Success);
    }

    [TestMethod]
    public void NoAvailableSourceMeansNoPersonActivities()
    {
        var pidf = PidfPresenceTranslator.ToSip(new PresenceDocument(Alice, [PresenceSource.Offline("pc")]));
        Assert.IsEmpty(pidf.Person!.Activities);
        Assert.AreEqual(PidfBasic.Closed, pidf.Tuples.Single().Basic);
    }
}

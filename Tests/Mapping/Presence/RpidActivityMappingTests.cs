using Bridge.Mapping.Presence;

namespace Bridge.Tests.Mapping.Presence;

[TestClass]
public sealed class RpidActivityMappingTests
{
    // One row per RFC 4480 §3.2 activity; see RpidActivityMapping for which rows are RFC 8048 (from memory) and which ours.
    [TestMethod]
    [DataRow("away", PresenceShow.Away)]
    [DataRow("busy", PresenceShow.DoNotDisturb)]
    [DataRow("on-the-phone", PresenceShow.DoNotDisturb)]
    [DataRow("meeting", PresenceShow.DoNotDisturb)]
    [DataRow("appointment", PresenceShow.DoNotDisturb)]
    [DataRow("performance", PresenceShow.DoNotDisturb)]
    [DataRow("presentation", PresenceShow.DoNotDisturb)]
    [DataRow("steering", PresenceShow.DoNotDisturb)]
    [DataRow("worship", PresenceShow.DoNotDisturb)]
    [DataRow("sleeping", PresenceShow.ExtendedAway)]
    [DataRow("vacation", PresenceShow.ExtendedAway)]
    [DataRow("holiday", PresenceShow.ExtendedAway)]
    [DataRow("permanent-absence", PresenceShow.ExtendedAway)]
    [DataRow("travel", PresenceShow.ExtendedAway)]
    [DataRow("breakfast", PresenceShow.Away)]
    [DataRow("dinner", PresenceShow.Away)]
    [DataRow("meal", PresenceShow.Away)]
    [DataRow("shopping", PresenceShow.Away)]
    [DataRow("in-transit", PresenceShow.Away)]
    [DataRow("playing", PresenceShow.None)]
    [DataRow("spectator", PresenceShow.None)]
    [DataRow("tv", PresenceShow.None)]
    [DataRow("working", PresenceShow.None)]
    [DataRow("looking-for-work", PresenceShow.None)]
    [DataRow("unknown", PresenceShow.None)]
    [DataRow("other", PresenceShow.None)]
    [DataRow("lunch", PresenceShow.None)] // not an RFC 4480 activity
    [DataRow("AWAY", PresenceShow.None)]  // XML names are case-sensitive
    public void FromRpidMapsEachActivity(string activity, PresenceShow expected)
    {
        Assert.AreEqual(expected, RpidActivityMapping.FromRpid(activity));
    }

    [TestMethod]
    [DataRow(PresenceShow.None, null)]
    [DataRow(PresenceShow.Chat, null)]
    [DataRow(PresenceShow.Away, "away")]
    [DataRow(PresenceShow.DoNotDisturb, "busy")]
    [DataRow(PresenceShow.ExtendedAway, "away")]
    public void ToRpidMapsEachShow(PresenceShow show, string? expected)
    {
        Assert.AreEqual(expected, RpidActivityMapping.ToRpid(show));
    }

    [TestMethod]
    [DataRow(PresenceShow.Away)]
    [DataRow(PresenceShow.DoNotDisturb)]
    public void ShowsWithTheirOwnActivityComeBack(PresenceShow show)
    {
        Assert.AreEqual(show, RpidActivityMapping.FromRpid(RpidActivityMapping.ToRpid(show)!));
    }

    [TestMethod]
    [DataRow(new[] { "away", "on-the-phone" }, PresenceShow.DoNotDisturb)]
    [DataRow(new[] { "meal", "vacation" }, PresenceShow.ExtendedAway)]
    [DataRow(new[] { "tv", "shopping" }, PresenceShow.Away)]
    [DataRow(new[] { "tv", "playing" }, PresenceShow.None)]
    [DataRow(new string[0], PresenceShow.None)]
    public void SeveralActivitiesYieldTheMostRestrictiveShow(string[] activities, PresenceShow expected)
    {
        Assert.AreEqual(expected, RpidActivityMapping.FromRpid(activities));
    }

    [TestMethod]
    public void EveryMappedActivityIsAnRfc4480Activity()
    {
        foreach (var show in new[] { PresenceShow.Away, PresenceShow.DoNotDisturb, PresenceShow.ExtendedAway })
        {
            Assert.Contains(RpidActivityMapping.ToRpid(show)!, RpidActivityMapping.KnownActivities);
        }
        Assert.HasCount(26, RpidActivityMapping.KnownActivities);
    }
}

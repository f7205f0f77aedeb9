using Bridge.Sip;

namespace Bridge.Tests.Sip.Events;

/// <summary>RFC 6665 §8.2.1 Event and §8.2.3 Subscription-State values, including malformed input.</summary>
[TestClass]
public sealed class SipEventHeaderTests
{
    [TestMethod]
    [DataRow("presence", "presence", null)]
    [DataRow(" presence ; id=a1 ", "presence", "a1")]
    [DataRow("presence.winfo", "presence.winfo", null)]
    [DataRow("presence;ID=x;foo", "presence", "x")]
    public void EventParses(string value, string package, string? id)
    {
        Assert.IsTrue(SipEventHeader.TryParse(value, out var evt));
        Assert.AreEqual(package, evt.Package);
        Assert.AreEqual(id, evt.Id);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow(";id=1")]
    [DataRow("pres ence")]
    [DataRow("presence;")]
    [DataRow("presence;id=\"open")]
    public void MalformedEventIsRejected(string value) => Assert.IsFalse(SipEventHeader.TryParse(value, out _));

    [TestMethod]
    public void EventMatchingComparesTypeAndId()
    {
        var presence = new SipEventHeader("presence", null);
        Assert.IsTrue(presence.Matches(new SipEventHeader("presence", null)));
        Assert.IsFalse(presence.Matches(new SipEventHeader("presence", "1")));
        Assert.IsFalse(presence.Matches(new SipEventHeader("Presence", null)), "event types compare byte by byte");
        Assert.AreEqual("presence;id=1", new SipEventHeader("presence", "1").ToString());
    }

    [TestMethod]
    [DataRow("active;expires=600", "active", 600, null, null)]
    [DataRow("Pending ; expires = 30", "pending", 30, null, null)]
    [DataRow("terminated;reason=probation;retry-after=20", "terminated", null, "probation", 20)]
    [DataRow("terminated;reason=Timeout", "terminated", null, "timeout", null)]
    [DataRow("waiting;foo=bar", "waiting", null, null, null)]
    [DataRow("active;expires=99999999999", "active", int.MaxValue, null, null)]
    public void SubscriptionStateParses(string value, string state, int? expires, string? reason, int? retryAfter)
    {
        Assert.IsTrue(SipSubscriptionStateHeader.TryParse(value, out var parsed));
        Assert.AreEqual(new SipSubscriptionStateHeader(state, expires, reason, retryAfter), parsed);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow(";expires=1")]
    [DataRow("active;expires=-1")]
    [DataRow("active;expires=")]
    [DataRow("active;expires=1h")]
    [DataRow("terminated;retry-after=x")]
    public void MalformedSubscriptionStateIsRejected(string value) => Assert.IsFalse(SipSubscriptionStateHeader.TryParse(value, out _));

    [TestMethod]
    public void SubscriptionStateFormats()
    {
        Assert.AreEqual("active;expires=60", new SipSubscriptionStateHeader("active", 60, null, null).ToString());
        Assert.AreEqual("terminated;reason=giveup;retry-after=5", new SipSubscriptionStateHeader("terminated", null, "giveup", 5).ToString());
    }
}

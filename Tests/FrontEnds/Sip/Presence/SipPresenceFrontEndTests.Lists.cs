using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;

namespace Bridge.Tests.FrontEnds.Sip.Presence;

/// <summary>RFC 4662 lists behind an XMPP subscription: the fake Kamailio answers with RLMI NOTIFYs.</summary>
public sealed partial class SipPresenceFrontEndTests
{
    private static readonly ChatAddress Carol = new("carol", "b.test");
    private static readonly ChatAddress Dave = new("dave", "b.test");

    private static string ListBody(int version, bool fullState, string resources, params (string Cid, string Entity, string Basic)[] pidfs)
    {
        var parts = new List<string>
        {
            "--bnd",
            "Content-ID: <root@b.test>",
            "Content-Type: application/rlmi+xml;charset=\"UTF-8\"",
            "",
            $"<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:bob@b.test\" version=\"{version}\" fullState=\"{(fullState ? "true" : "false")}\">{resources}</list>",
        };
        foreach (var (cid, entity, basic) in pidfs)
        {
            parts.AddRange(["--bnd", $"Content-ID: <{cid}>", "Content-Type: application/pidf+xml", "",
                $"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"{entity}\"><tuple id=\"t1\"><status><basic>{basic}</basic></status><note>{entity} is {basic}</note></tuple></presence>"]);
        }
        parts.Add("--bnd--");
        return string.Join("\r\n", parts);
    }

    private const string ListType = "multipart/related;type=\"application/rlmi+xml\";start=\"<root@b.test>\";boundary=\"bnd\"";

    // The fixture's presentity is bob@b.test; here it turns out to be a list of dave and carol.
    [TestMethod]
    public async Task AListAnswerRoutesSubscribedMembersAndEachMembersPresence()
    {
        var subscribe = await XmppSubscribesAsync();
        var full = ListBody(1, true,
            "<resource uri=\"sip:dave@b.test\"><name>Dave D</name><instance id=\"i1\" state=\"active\" cid=\"p1@b.test\"/></resource>" +
            "<resource uri=\"sip:carol@b.test\"><instance id=\"i2\" state=\"pending\"/></resource>",
            ("p1@b.test", "sip:dave@b.test", "open"));
        Assert.AreEqual(200, (await PeerNotifiesAsync(subscribe, 1, "active;expires=3600", ListType, full)).StatusCode);

        var routed = Routed();
        Assert.AreEqual(new PresenceEvent(PresenceEventKind.Subscribed, Bob, Alice), routed[0]);
        Assert.AreEqual(PresenceEventKind.ListMembers, routed[1].Kind);
        CollectionAssert.AreEqual(new[] { Dave, Carol }, routed[1].Members.Select(m => m.Address).ToArray());
        Assert.AreEqual("Dave D", routed[1].Members[0].DisplayName);
        var daveNow = routed.Single(e => e.Kind == PresenceEventKind.Notify);
        Assert.AreEqual(Dave, daveNow.From);
        Assert.AreEqual(Alice, daveNow.To);
        Assert.IsTrue(daveNow.Document!.IsAvailable);
        Assert.HasCount(3, routed, "a pending member says nothing yet");

        // Partial state: carol becomes active, dave is not mentioned and stays as he was.
        var partial = ListBody(2, false,
            "<resource uri=\"sip:carol@b.test\"><instance id=\"i2\" state=\"active\" cid=\"p2@b.test\"/></resource>",
            ("p2@b.test", "sip:carol@b.test", "closed"));
        Assert.AreEqual(200, (await PeerNotifiesAsync(subscribe, 2, "active;expires=3500", ListType, partial)).StatusCode);
        routed = Routed();
        Assert.HasCount(4, routed, "no new members, so no second ListMembers");
        Assert.AreEqual(Carol, routed[3].From);
        Assert.IsFalse(routed[3].Document!.IsAvailable);

        // A probe for dave from alice's new resource is answered from the list's state, to that resource.
        var probe = await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Probe, Alice with { Resource = "laptop" }, Dave), _cts.Token);
        Assert.IsTrue(probe.Delivered);
        Assert.AreEqual(Alice with { Resource = "laptop" }, Routed()[^1].To);
        Assert.IsTrue(Routed()[^1].Document!.IsAvailable);
        Assert.IsFalse(_received.Reader.TryRead(out _), "answered from state: no fetch SUBSCRIBE");

        // A terminated member goes offline for the watcher.
        var gone = ListBody(3, false, "<resource uri=\"sip:dave@b.test\"><instance id=\"i1\" state=\"terminated\" reason=\"rejected\"/></resource>");
        Assert.AreEqual(200, (await PeerNotifiesAsync(subscribe, 3, "active;expires=3400", ListType, gone)).StatusCode);
        Assert.AreEqual(Dave, Routed()[^1].From);
        Assert.IsFalse(Routed()[^1].Document!.IsAvailable);
    }

    [TestMethod]
    public async Task ABrokenListBodyIs400AndRoutesNothing()
    {
        var subscribe = await XmppSubscribesAsync();
        Assert.AreEqual(400, (await PeerNotifiesAsync(subscribe, 1, "active", ListType, "--bnd\r\nContent-Type: text/plain\r\n\r\nnot rlmi\r\n--bnd--")).StatusCode);
        Assert.IsEmpty(Routed());
    }
}

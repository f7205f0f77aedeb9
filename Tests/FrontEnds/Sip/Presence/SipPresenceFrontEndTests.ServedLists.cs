using System.Collections.Immutable;
using System.Text;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Presence;
using Bridge.Sip;
using Bridge.Sip.Simple;

namespace Bridge.Tests.FrontEnds.Sip.Presence;

/// <summary>The bridge as resource list server (RFC 4662) for a SIP watcher: admin lists and private RFC 4826 lists.</summary>
public sealed partial class SipPresenceFrontEndTests
{
    private static readonly ChatAddress Support = new("support", "a.test");
    private static readonly ChatAddress Carla = new("carla", "a.test");

    private void ServeSupportList() =>
        _config.Swap(_config.Current with
        {
            Presence = new PresenceSettings([new ListConfig(Support, "Support", [Alice, Carla])]),
        });

    private SipRequest ListSubscribe(string target, bool eventList = true)
    {
        var subscribe = WatcherSubscribe();
        subscribe.RequestUri = target;
        subscribe.Headers.Set("To", $"<{target}>");
        subscribe.Headers.Set("Call-ID", "list-1@b.test");
        if (eventList)
        {
            subscribe.Headers.Add("Supported", "eventlist");
        }
        return subscribe;
    }

    private static (RlmiDocument Rlmi, ImmutableArray<MimePart> Parts) ReadList(SipRequest notify)
    {
        Assert.IsTrue(MultipartParser.TryParse(notify.Body, MultipartParser.Boundary(notify.ContentType)!, out var parts, out var error), error);
        Assert.IsTrue(RlmiParser.TryParse(parts[0].Body.Span, out var rlmi, out error), error);
        return (rlmi!, parts);
    }

    [TestMethod]
    public async Task AListSubscriptionGetsFullStateThenOnePartialPerMemberChange()
    {
        ServeSupportList();
        var accepted = await _peer.SendRequestAsync(ListSubscribe("sip:support@a.test"), _bridge, _cts.Token);
        Assert.AreEqual(200, accepted.StatusCode, "the list itself is open to its users: active at once");
        Assert.AreEqual("eventlist", accepted.Headers["Require"]);

        var full = await NextAsync("NOTIFY");
        Assert.AreEqual("eventlist", full.Headers["Require"]);
        StringAssert.StartsWith(full.Headers["Subscription-State"], "active");
        var (rlmi, parts) = ReadList(full);
        Assert.IsTrue(rlmi.FullState);
        Assert.AreEqual(0, rlmi.Version);
        Assert.AreEqual("sip:support@a.test", rlmi.Uri);
        Assert.AreEqual("Support", rlmi.Names[""]);
        CollectionAssert.AreEqual(new[] { "sip:alice@a.test", "sip:carla@a.test" }, rlmi.Resources.Select(r => r.Uri).ToArray());
        Assert.IsTrue(rlmi.Resources.All(r => r.Instances.Single().State == "pending"));
        Assert.HasCount(1, parts, "nothing of a member before it authorizes");
        CollectionAssert.AreEquivalent(new[] { new PresenceEvent(PresenceEventKind.Subscribe, Bob, Alice), new PresenceEvent(PresenceEventKind.Subscribe, Bob, Carla) }, Routed());

        // alice's presence before she answers: kept, not shown.
        await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Notify, Alice, Bob, AliceOnline()), _cts.Token);
        Assert.IsFalse(_received.Reader.TryRead(out _), "no NOTIFY for a pending member's presence");

        await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Subscribed, Alice, Bob), _cts.Token);
        var partial = await NextAsync("NOTIFY");
        (rlmi, parts) = ReadList(partial);
        Assert.IsFalse(rlmi.FullState);
        Assert.AreEqual(1, rlmi.Version);
        var alice = rlmi.Resources.Single();
        Assert.AreEqual("sip:alice@a.test", alice.Uri);
        Assert.AreEqual("active", alice.Instances.Single().State);
        var pidf = parts.Single(p => p.ContentId == alice.Instances.Single().ContentId);
        StringAssert.Contains(Encoding.UTF8.GetString(pidf.Body.Span), "<basic>open</basic>", "the presence kept while pending is shown once active");

        await _frontEnd.DeliverPresenceAsync(new PresenceEvent(PresenceEventKind.Unsubscribed, Carla, Bob), _cts.Token);
        (rlmi, _) = ReadList(await NextAsync("NOTIFY"));
        Assert.AreEqual(2, rlmi.Version);
        Assert.AreEqual(new RlmiInstance(rlmi.Resources.Single().Instances.Single().Id, "terminated", "rejected", null), rlmi.Resources.Single().Instances.Single());
    }

    [TestMethod]
    public async Task AListWithoutEventlistSupportGets421AndAWatcherUnsubscribeEndsEveryMember()
    {
        ServeSupportList();
        var refused = await _peer.SendRequestAsync(ListSubscribe("sip:support@a.test", eventList: false), _bridge, _cts.Token);
        Assert.AreEqual(421, refused.StatusCode);
        Assert.AreEqual("eventlist", refused.Headers["Require"]);
        Assert.IsEmpty(Routed());

        var accepted = await _peer.SendRequestAsync(ListSubscribe("sip:support@a.test"), _bridge, _cts.Token);
        await NextAsync("NOTIFY");
        var unsubscribe = ListSubscribe("sip:support@a.test");
        unsubscribe.Headers.Set("To", accepted.Headers["To"]!);
        unsubscribe.Headers.Set("CSeq", "2 SUBSCRIBE");
        unsubscribe.Headers.Set("Expires", "0");
        Assert.AreEqual(200, (await _peer.SendRequestAsync(unsubscribe, _bridge, _cts.Token)).StatusCode);
        StringAssert.StartsWith((await NextAsync("NOTIFY")).Headers["Subscription-State"], "terminated");
        Assert.AreEqual(2, Routed().Count(e => e.Kind == PresenceEventKind.Unsubscribe && e.From == Bob));
    }

    [TestMethod]
    public async Task APrivateListComesFromTheWatchersOwnDocument()
    {
        var folder = Directory.CreateTempSubdirectory("bridge-lists-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "bob@b.test.xml"), """
                <resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">
                  <list name="buddies"><entry uri="xmpp:alice@a.test"><display-name>Alice A</display-name></entry><entry uri="xmpp:eve@b.test"/></list>
                </resource-lists>
                """);
            _config.Swap(_config.Current with { Presence = new PresenceSettings([], folder) });

            Assert.AreEqual(200, (await _peer.SendRequestAsync(ListSubscribe("sip:buddies@a.test"), _bridge, _cts.Token)).StatusCode);
            var (rlmi, _) = ReadList(await NextAsync("NOTIFY"));
            Assert.AreEqual("sip:alice@a.test", rlmi.Resources.Single().Uri, "entries outside the XMPP domains are not served");
            Assert.AreEqual("Alice A", rlmi.Resources.Single().Names[""]);

            // Another watcher has no such list: the request is an ordinary presence subscription to buddies@a.test.
            var other = ListSubscribe("sip:buddies@a.test");
            other.Headers.Set("From", "<sip:carol@b.test>;tag=w2");
            other.Headers.Set("Call-ID", "list-2@b.test");
            Assert.AreEqual(202, (await _peer.SendRequestAsync(other, _bridge, _cts.Token)).StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

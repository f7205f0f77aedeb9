using System.Xml.Linq;
using Bridge.Xmpp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Xmpp;

[TestClass]
public sealed class XmppIqRequestsTests
{
    private static readonly XNamespace S = "jabber:server";

    private static XElement Answer(string id, string from, string type = "result") =>
        new(S + "iq", new XAttribute("type", type), new XAttribute("id", id), new XAttribute("from", from), new XAttribute("to", "b.test"));

    [TestMethod]
    public async Task TheAnswerIsMatchedByIdAndFrom()
    {
        var sent = new List<XElement>();
        var iq = new XmppIqRequests((s, _) => { sent.Add(s); return Task.FromResult(XmppSendResult.Sent); }, new FakeTimeProvider());
        var request = iq.RequestAsync(new XElement(S + "iq", new XAttribute("type", "get"), new XAttribute("to", "a.test")), TimeSpan.FromSeconds(5), CancellationToken.None);
        var id = (string)sent.Single().Attribute("id")!;

        Assert.IsFalse(iq.TryComplete(Answer(id, "evil.test")), "another domain cannot answer for a.test");
        Assert.IsFalse(iq.TryComplete(Answer("other", "a.test")));
        Assert.IsFalse(request.IsCompleted);
        Assert.IsTrue(iq.TryComplete(Answer(id, "A.TEST")));
        Assert.AreEqual("result", (string?)(await request)!.Attribute("type"));
        Assert.AreEqual(0, iq.PendingCount);
        Assert.IsFalse(iq.TryComplete(Answer(id, "a.test")), "answered once");
    }

    [TestMethod]
    public async Task SilenceEndsWithNullAfterTheTimeout()
    {
        var time = new FakeTimeProvider();
        var iq = new XmppIqRequests((_, _) => Task.FromResult(XmppSendResult.Sent), time);
        var request = iq.RequestAsync(new XElement(S + "iq", new XAttribute("type", "get"), new XAttribute("to", "a.test")), TimeSpan.FromSeconds(5), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.IsFalse(request.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.IsNull(await request);
        Assert.AreEqual(0, iq.PendingCount);
    }

    [TestMethod]
    public async Task DiscoveryIsCachedAndAskedAgainAfterItsTtl()
    {
        var time = new FakeTimeProvider();
        var sent = new List<XElement>();
        XmppIqRequests? iq = null;
        iq = new XmppIqRequests((s, ct) =>
        {
            sent.Add(s);
            var disco = (XNamespace)"http://jabber.org/protocol/disco#info";
            var answer = Answer((string)s.Attribute("id")!, "a.test");
            answer.Add(new XElement(disco + "query", new XElement(disco + "feature", new XAttribute("var", XmppMulticastDiscovery.AddressFeature))));
            _ = Task.Run(() => iq!.TryComplete(answer));
            return Task.FromResult(XmppSendResult.Sent);
        }, time);
        var discovery = new XmppMulticastDiscovery(iq, time, NullLogger.Instance, CancellationToken.None, ttl: TimeSpan.FromHours(1));

        Assert.IsFalse(discovery.Supports("b.test", "a.test"), "not known yet: per watcher meanwhile");
        Assert.IsTrue(await discovery.DiscoverAsync("b.test", "a.test"));
        Assert.IsTrue(discovery.Supports("b.test", "a.test"));
        Assert.HasCount(1, sent, "asked once per domain");
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.IsTrue(await discovery.DiscoverAsync("b.test", "A.test"));
        Assert.HasCount(1, sent);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.IsTrue(await discovery.DiscoverAsync("b.test", "a.test"));
        Assert.HasCount(2, sent, "asked again once the answer is stale");
    }
}

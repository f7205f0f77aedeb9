using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using Bridge.Xmpp;
using Bridge.Xmpp.Dialback;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Xmpp;

/// <summary>Two real servers on loopback TCP (port 0), each with a static route to the other.</summary>
[TestClass]
public sealed class XmppServerTests
{
    internal const string SecretA = "secret-of-a";
    internal const string SecretB = "secret-of-b";
    private static readonly XNamespace S = "jabber:server";

    // Guards against a hang only; every wait below completes as soon as the awaited event happens.
    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static ILoggerFactory Loggers() =>
        Environment.GetEnvironmentVariable("XMPP_TEST_LOG") == "1"
            ? LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Trace))
            : NullLoggerFactory.Instance;

    internal sealed class Pair : IAsyncDisposable
    {
        public required XmppServer A { get; init; }
        public required XmppServer B { get; init; }
        public List<XElement> ReceivedByA { get; } = [];
        public List<XElement> ReceivedByB { get; } = [];
        public TaskCompletionSource<XElement> FirstAtA { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<XElement> FirstAtB { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }

    internal static async Task<Pair> StartPairAsync(Func<string, string, bool>? bPolicy = null, TimeProvider? time = null)
    {
        XmppServer? a = null;
        XmppServer? b = null;
        var loggers = Loggers();
        a = new XmppServer(
            new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, 0), SecretA)
            {
                IsLocalDomain = d => d == "a.test",
                IsPeerAllowed = (l, r) => l == "a.test" && r == "b.test",
            },
            new XmppResolver(d => d == "b.test" ? ("127.0.0.1", b!.BoundEndPoint!.Port) : null, loggers.CreateLogger<XmppResolver>()),
            time ?? TimeProvider.System, loggers);
        b = new XmppServer(
            new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, 0), SecretB)
            {
                IsLocalDomain = d => d == "b.test",
                IsPeerAllowed = bPolicy ?? ((l, r) => l == "b.test" && r == "a.test"),
            },
            new XmppResolver(d => d == "a.test" ? ("127.0.0.1", a.BoundEndPoint!.Port) : null, loggers.CreateLogger<XmppResolver>()),
            time ?? TimeProvider.System, loggers);
        var pair = new Pair { A = a, B = b };
        a.StanzaHandler = s => Record(pair.ReceivedByA, pair.FirstAtA, s);
        b.StanzaHandler = s => Record(pair.ReceivedByB, pair.FirstAtB, s);
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        return pair;

        static Task Record(List<XElement> list, TaskCompletionSource<XElement> first, XElement stanza)
        {
            lock (list)
            {
                list.Add(stanza);
            }
            first.TrySetResult(stanza);
            return Task.CompletedTask;
        }
    }

    private static XElement Message(string from, string to, string body, string id = "m1") =>
        new(S + "message", new XAttribute("from", from), new XAttribute("to", to), new XAttribute("id", id),
            new XAttribute("type", "chat"), new XElement(S + "body", body));

    [TestMethod]
    public async Task DialbackBothWaysDeliversAMessageEachWay()
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();

        var toB = await pair.A.SendAsync(Message("alice@a.test/phone", "bob@b.test", "hi bob"), ct);
        var atB = await pair.FirstAtB.Task.WaitAsync(ct);
        var toA = await pair.B.SendAsync(Message("bob@b.test", "alice@a.test", "hi alice", "m2"), ct);
        var atA = await pair.FirstAtA.Task.WaitAsync(ct);

        Assert.AreEqual(XmppSendResult.Sent, toB);
        Assert.AreEqual(XmppSendResult.Sent, toA);
        Assert.AreEqual(S + "message", atB.Name);
        Assert.AreEqual("hi bob", atB.Element(S + "body")?.Value);
        Assert.AreEqual("alice@a.test/phone", (string?)atB.Attribute("from"));
        Assert.AreEqual("hi alice", atA.Element(S + "body")?.Value);
        Assert.AreEqual("m2", (string?)atA.Attribute("id"));
    }

    [TestMethod]
    public async Task StanzasQueuedDuringDialbackAllArriveInOrder()
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();

        var sends = Enumerable.Range(0, 20).Select(i => pair.A.SendAsync(Message("alice@a.test", "bob@b.test", $"n{i}", $"m{i}"), ct)).ToList();
        var results = await Task.WhenAll(sends);
        // Sent means written to A's socket, not yet read by B: stopping B at once raced its read loop
        // (about one run in ten lost the tail). Wait until B has them all, bounded by the guard.
        while (!ct.IsCancellationRequested && Count(pair.ReceivedByB) < 20)
        {
            await Task.Delay(10, ct);
        }
        await pair.B.StopAsync(ct);

        Assert.IsTrue(results.All(r => r.Status == XmppSendStatus.Sent));
        CollectionAssert.AreEqual(Enumerable.Range(0, 20).Select(i => $"n{i}").ToList(),
            pair.ReceivedByB.Select(s => s.Element(S + "body")!.Value).ToList());
    }

    private static int Count(List<XElement> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    [TestMethod]
    public async Task StanzaBuiltWithoutNamespaceIsSentAsJabberServer()
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();
        var plain = new XElement("message", new XAttribute("from", "alice@a.test"), new XAttribute("to", "bob@b.test"), new XElement("body", "plain"));

        Assert.AreEqual(XmppSendResult.Sent, await pair.A.SendAsync(plain, ct));
        var atB = await pair.FirstAtB.Task.WaitAsync(ct);

        Assert.AreEqual("plain", atB.Element(S + "body")?.Value);
    }

    [TestMethod]
    public async Task PeerRefusedByPolicyFailsTheSenderAndDeliversNothing()
    {
        await using var pair = await StartPairAsync(bPolicy: (_, _) => false);
        var ct = Guard();

        var result = await pair.A.SendAsync(Message("alice@a.test", "bob@b.test", "blocked"), ct);

        Assert.AreEqual(XmppSendStatus.Failed, result.Status);
        Assert.AreEqual("remote-server-timeout", result.Condition);
        StringAssert.Contains(result.Text, "not-allowed");
        Assert.AreEqual(0, pair.ReceivedByB.Count);
    }

    [TestMethod]
    public async Task LocalPolicyRefusesBeforeConnecting()
    {
        await using var pair = await StartPairAsync();

        var result = await pair.A.SendAsync(Message("alice@a.test", "eve@c.test", "x"), Guard());

        Assert.AreEqual(XmppSendResult.Failed("not-allowed", "a.test may not talk with c.test"), result);
    }

    [TestMethod]
    [DataRow("bob@b.test", "alice@a.test", "not-allowed")]
    [DataRow("alice@a.test", "", "jid-malformed")]
    public async Task BadAddressesFailAtOnce(string from, string to, string condition)
    {
        await using var pair = await StartPairAsync();

        var result = await pair.A.SendAsync(Message(from, to, "x"), Guard());

        Assert.AreEqual(condition, result.Condition);
    }

    [TestMethod]
    public async Task NothingListeningIsRemoteServerNotFound()
    {
        var port = ClosedPort();
        await using var server = Server("a.test", SecretA, d => ("127.0.0.1", port), TimeProvider.System);

        var result = await server.SendAsync(Message("alice@a.test", "bob@b.test", "x"), Guard());

        Assert.AreEqual(XmppSendStatus.Failed, result.Status);
        Assert.AreEqual("remote-server-not-found", result.Condition);
    }

    [TestMethod]
    public async Task UnresolvableDomainIsRemoteServerNotFound()
    {
        await using var server = Server("a.test", SecretA, _ => ("no-such-host.invalid", 5269), TimeProvider.System);

        var result = await server.SendAsync(Message("alice@a.test", "bob@b.test", "x"), Guard());

        Assert.AreEqual("remote-server-not-found", result.Condition);
    }

    [TestMethod]
    public async Task SilentPeerTimesOutWithRemoteServerTimeout()
    {
        var time = new FakeTimeProvider();
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var server = Server("a.test", SecretA, _ => ("127.0.0.1", port), time);
        var ct = Guard();

        var sending = server.SendAsync(Message("alice@a.test", "bob@b.test", "x"), ct);
        using var accepted = await silent.AcceptTcpClientAsync(ct);
        Assert.IsFalse(sending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        var result = await sending.WaitAsync(ct);

        Assert.AreEqual(XmppSendStatus.Failed, result.Status);
        Assert.AreEqual("remote-server-timeout", result.Condition);
    }

    [TestMethod]
    public async Task StanzaFromAnUnverifiedDomainIsInvalidFrom()
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();
        await using var peer = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);
        var id = await peer.OpenAsync("a.test", "b.test", ct);
        // Server A shares the secret, so as authoritative server it confirms this key to B.
        var key = new DialbackKey(SecretA).Generate("b.test", "a.test", id);
        await peer.SendAsync($"<db:result from='a.test' to='b.test'>{key}</db:result>", ct);
        var verdict = await peer.NextElementAsync(ct);
        Assert.AreEqual("valid", (string?)verdict.Attribute("type"));

        await peer.SendAsync(" \n<message from='x@a.test' to='bob@b.test'><body>ok</body></message>\n ", ct);
        await pair.FirstAtB.Task.WaitAsync(ct);
        await peer.SendAsync("<message from='mallory@evil.test' to='bob@b.test'><body>spoof</body></message>", ct);

        Assert.AreEqual("invalid-from", await peer.ReadStreamErrorAsync(ct));
        Assert.AreEqual(1, pair.ReceivedByB.Count);
    }

    [TestMethod]
    public async Task DbVerifyIsAnsweredWhileTheStanzaHandlerIsBusy()
    {
        // Prosody's order: it sends db:verify for our outbound key on ITS outbound stream (our inbound)
        // while our handler may be waiting for that very outbound stream to become verified.
        await using var pair = await StartPairAsync();
        var ct = Guard();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.B.StanzaHandler = async _ => { entered.TrySetResult(); await release.Task; };
        await using var peer = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);
        var id = await peer.OpenAsync("a.test", "b.test", ct);
        await peer.SendAsync($"<db:result from='a.test' to='b.test'>{new DialbackKey(SecretA).Generate("b.test", "a.test", id)}</db:result>", ct);
        Assert.AreEqual("valid", (string?)(await peer.NextElementAsync(ct)).Attribute("type"));

        await peer.SendAsync("<message from='x@a.test' to='bob@b.test'><body>blocks</body></message>", ct);
        await entered.Task.WaitAsync(ct);
        var key = new DialbackKey(SecretB).Generate("a.test", "b.test", "OUT1");
        await peer.SendAsync($"<db:verify from='a.test' to='b.test' id='OUT1'>{key}</db:verify>", ct);
        var answer = await peer.NextElementAsync(ct);
        release.SetResult();

        Assert.AreEqual("valid", (string?)answer.Attribute("type"));
    }

    [TestMethod]
    public async Task ForgedKeyIsInvalidAndTheStreamCloses()
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();
        await using var peer = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);
        var id = await peer.OpenAsync("a.test", "b.test", ct);
        var forged = new DialbackKey("not-a's-secret").Generate("b.test", "a.test", id);

        await peer.SendAsync($"<db:result from='a.test' to='b.test'>{forged}</db:result>", ct);
        var verdict = await peer.NextElementAsync(ct);

        Assert.AreEqual("invalid", (string?)verdict.Attribute("type"));
        Assert.AreEqual(Bridge.Xmpp.Xml.XmlStreamEventKind.StreamEnd, (await peer.NextAsync(ct))?.Kind);
    }

    [TestMethod]
    public async Task StanzaBeforeDialbackIsNotAuthorized()
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();
        await using var peer = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);
        await peer.OpenAsync("a.test", "b.test", ct);

        await peer.SendAsync("<message from='x@a.test' to='bob@b.test'><body>early</body></message>", ct);

        Assert.AreEqual("not-authorized", await peer.ReadStreamErrorAsync(ct));
        Assert.AreEqual(0, pair.ReceivedByB.Count);
    }

    [TestMethod]
    public async Task StreamToAForeignDomainIsHostUnknown()
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();
        await using var peer = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);

        await peer.SendAsync(RawS2SClient.Header("a.test", "c.test"), ct);

        Assert.AreEqual("host-unknown", await peer.ReadStreamErrorAsync(ct));
    }

    [TestMethod]
    public async Task DialbackForAForeignTargetIsADialbackErrorNotAStreamError()
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();
        await using var peer = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);
        await peer.OpenAsync("a.test", "b.test", ct);

        await peer.SendAsync("<db:result from='a.test' to='c.test'>abc</db:result>", ct);
        var answer = await peer.NextElementAsync(ct);
        await peer.SendAsync("<db:verify from='a.test' to='b.test' id='x1'>abc</db:verify>", ct);
        var stillOpen = await peer.NextElementAsync(ct);

        Assert.AreEqual("error", (string?)answer.Attribute("type"));
        Assert.AreEqual("item-not-found", Bridge.Xmpp.StanzaErrors.Read(answer)?.Condition);
        Assert.AreEqual("verify", stillOpen.Name.LocalName);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public async Task AuthoritativeRoleAnswersDbVerify(bool genuine)
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();
        await using var peer = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);
        await peer.OpenAsync("a.test", "b.test", ct);
        var key = new DialbackKey(genuine ? SecretB : "wrong").Generate("a.test", "b.test", "S1D");

        await peer.SendAsync($"<db:verify from='a.test' to='b.test' id='S1D'>{key}</db:verify>", ct);
        var answer = await peer.NextElementAsync(ct);

        Assert.AreEqual(XNamespace.Get("jabber:server:dialback") + "verify", answer.Name);
        Assert.AreEqual("b.test", (string?)answer.Attribute("from"));
        Assert.AreEqual("a.test", (string?)answer.Attribute("to"));
        Assert.AreEqual("S1D", (string?)answer.Attribute("id"));
        Assert.AreEqual(genuine ? "valid" : "invalid", (string?)answer.Attribute("type"));
    }

    [TestMethod]
    public async Task MalformedXmlClosesOnlyThatStream()
    {
        await using var pair = await StartPairAsync();
        var ct = Guard();
        await using var bad = await RawS2SClient.ConnectAsync(pair.B.BoundEndPoint!, ct);
        await bad.OpenAsync("a.test", "b.test", ct);

        await bad.SendAsync("<message><body></message>", ct);
        Assert.AreEqual("not-well-formed", await bad.ReadStreamErrorAsync(ct));

        Assert.AreEqual(XmppSendResult.Sent, await pair.A.SendAsync(Message("alice@a.test", "bob@b.test", "still fine"), ct));
        Assert.AreEqual("still fine", (await pair.FirstAtB.Task.WaitAsync(ct)).Element(S + "body")?.Value);
    }

    private static XmppServer Server(string domain, string secret, Func<string, (string, int)?> routes, TimeProvider time)
    {
        var loggers = Loggers();
        return new XmppServer(
            new XmppServerOptions(new IPEndPoint(IPAddress.Loopback, 0), secret) { IsLocalDomain = d => d == domain, IsPeerAllowed = (_, _) => true },
            new XmppResolver(routes, loggers.CreateLogger<XmppResolver>()), time, loggers);
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}

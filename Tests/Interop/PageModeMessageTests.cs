using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// Page-mode messages (RFC 7572) between alice@a.test on Prosody and bob@b.test on Kamailio,
/// through the bridge. Real servers, real clients; one Prosody, Kamailio and bridge per class.
/// </summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class PageModeMessageTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);
    // How long "nothing arrived" is watched for after the sender already has its answer.
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(3);

    private static readonly InteropFixture s_run = new(() => InteropFixture.StartDefaultAsync("pagemode"));

    public TestContext TestContext { get; set; } = null!;

    private static PeerServers Peers => s_run.Peers;

    private static BridgeProcess Bridge => s_run.Bridge!;

    private static string LogDirectory => s_run.LogDirectory;

    [TestInitialize]
    public async Task EnsureServers()
    {
        await s_run.EnsureStartedAsync();
        TestContext.WriteLine($"{Peers}; bridge pid {Bridge.Pid}, log {Bridge.LogFile}");
    }

    [ClassCleanup]
    public static Task StopServers() => s_run.StopAsync();

    [TestMethod]
    public async Task AliceToBobKeepsBodySubjectAndLanguage()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var bob = await sip.StartRegisteredBobAsync();
        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);
        var body = Unique("Salut Bob, ça va ?");

        await alice.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, body, Subject: "Déjeuner", Lang: "fr", Thread: "lunch-thread-1", Id: "a2b-1"));

        var got = await bob.WaitForMessageAsync(m => m.Body == body, DeliveryTimeout);
        Assert.IsNotNull(got, Diagnostics(bob.Diagnostics(), alice.Diagnostics()));
        Assert.AreEqual("Déjeuner", got.Header("Subject"), got.ToString());
        Assert.AreEqual("fr", got.Header("Content-Language"), got.ToString());
        StringAssert.Contains(got.Header("From"), TestAccounts.AliceUri, got.ToString());
        StringAssert.Contains(got.Header("To"), TestAccounts.BobUri, got.ToString());
        StringAssert.StartsWith(got.Header("Content-Type"), "text/plain", got.ToString());
        Assert.AreEqual("lunch-thread-1", got.Header("Call-ID"), "RFC 7572: <thread/> maps to Call-ID\n" + got);
        Assert.IsNull(alice.Events.FirstOrDefault(e => e.Kind == XmppEvent.Error), alice.Diagnostics());
    }

    [TestMethod]
    public async Task BobToAliceKeepsBodySubjectAndLanguage()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);
        var body = Unique("Hallo Alice, wie geht's?");

        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, body,
            Subject: "Grüße", ContentLanguage: "de", AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));

        Assert.AreEqual(200, sent.FinalStatus, Diagnostics(sent.ToString()));
        var got = await alice.WaitForAsync(e => e.Kind == XmppEvent.Message && e.Body == body, DeliveryTimeout);
        Assert.IsNotNull(got, Diagnostics(alice.Diagnostics()));
        Assert.IsTrue(got.IsFrom(TestAccounts.BobJid), got.Raw);
        Assert.AreEqual("Grüße", got.Subject, got.Raw);
        Assert.AreEqual("de", got.Lang, got.Raw);
    }

    [TestMethod]
    public async Task MessageToUnknownSipUserComesBackAsItemNotFound()
    {
        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);

        await alice.SendAsync(new XmppOutgoingMessage("nobody@b.test", Unique("hello?"), Id: "unknown-1"));

        // RFC 7247 section 7: SIP 404 maps to <item-not-found/>.
        var error = await alice.WaitForAsync(e => e.Kind == XmppEvent.Error && e.Id == "unknown-1", DeliveryTimeout);
        Assert.IsNotNull(error, Diagnostics(alice.Diagnostics()));
        Assert.AreEqual("nobody@b.test", error.From, error.Raw);
        Assert.AreEqual("item-not-found", error.Condition, error.Raw);
    }

    [TestMethod]
    public async Task MessageToUnregisteredSipUserComesBackAsRecipientUnavailable()
    {
        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);

        await alice.SendAsync(new XmppOutgoingMessage("carol@b.test", Unique("are you there?"), Id: "carol-1"));

        // RFC 7247 section 7: SIP 480 maps to <recipient-unavailable/>.
        var error = await alice.WaitForAsync(e => e.Kind == XmppEvent.Error && e.Id == "carol-1", DeliveryTimeout);
        Assert.IsNotNull(error, Diagnostics(alice.Diagnostics()));
        Assert.AreEqual("carol@b.test", error.From, error.Raw);
        Assert.AreEqual("recipient-unavailable", error.Condition, error.Raw);
    }

    [TestMethod]
    public async Task UnconfiguredXmppDomainIsRefusedAndNothingIsDelivered()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var bob = await sip.StartRegisteredBobAsync();
        await using var mallory = await ConnectAsync(TestAccounts.MalloryJid, TestAccounts.MalloryPassword);
        var body = Unique("from c.test");

        await mallory.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, body, Id: "mallory-1"));

        // The bridge refuses c.test's s2s stream, so Prosody bounces the stanza (typically
        // remote-server-timeout or remote-server-not-found); any error is acceptable here.
        var error = await mallory.WaitForAsync(e => e.Kind == XmppEvent.Error && e.Id == "mallory-1", TimeSpan.FromSeconds(45));
        Assert.IsNotNull(error, Diagnostics(mallory.Diagnostics()));
        // Prove bob's UAS is reachable through the bridge, then that mallory's message never came.
        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);
        var control = Unique("control from a.test");
        await alice.SendAsync(new XmppOutgoingMessage(TestAccounts.BobJid, control));
        Assert.IsNotNull(await bob.WaitForMessageAsync(m => m.Body == control, DeliveryTimeout), Diagnostics(bob.Diagnostics()));
        Assert.IsEmpty(bob.ReceivedMessages().Where(m => m.Body.Contains("from c.test", StringComparison.Ordinal)).ToList(),
            bob.Diagnostics());
    }

    [TestMethod]
    public async Task UntrustedSipSourceGets403()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);
        var body = Unique("spoofed bob");

        // Straight to the bridge from 127.0.0.3, which is not in b.test's TrustedAddresses.
        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, body)
        {
            Target = BridgeProcess.SipEndPoint,
            LocalAddress = IPAddress.Parse("127.0.0.3"),
        });

        Assert.AreEqual(403, sent.FinalStatus, Diagnostics(sent.ToString()));
        Assert.IsNull(await alice.WaitForAsync(e => e.Body == body, QuietPeriod), alice.Diagnostics());
    }

    [TestMethod]
    public async Task AnXmppErrorAfterTheSipAnswerReachesTheSipSender()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var bob = await sip.StartRegisteredBobAsync();
        var body = Unique("is anybody home?");

        // Prosody accepts the stanza on the s2s stream, so the bridge answers 200; the user does not
        // exist, so Prosody bounces an error stanza, which must come back to bob as a MESSAGE.
        var sent = await sip.SendMessageAsync(new SipOutgoingMessage(TestAccounts.BobUri, "sip:nobody@a.test", body,
            AuthUser: TestAccounts.Bob, AuthPassword: TestAccounts.BobPassword));
        Assert.AreEqual(200, sent.FinalStatus, Diagnostics(sent.ToString()));

        var notice = await bob.WaitForMessageAsync(m => m.Body.StartsWith("[bridge] Your message was not delivered to nobody@a.test", StringComparison.Ordinal), DeliveryTimeout);
        Assert.IsNotNull(notice, Diagnostics(bob.Diagnostics()));
        StringAssert.Contains(notice.Header("From"), "sip:nobody@a.test", notice.ToString());
        StringAssert.Contains(notice.Body, "ServiceUnavailable", notice.ToString());
    }

    [TestMethod]
    public async Task ATrustedSourceCannotSendForAnotherDomain()
    {
        var sip = new SipTestClient(LogDirectory);
        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);
        var body = Unique("spoofed c.test");

        // 127.0.0.1 is trusted for b.test only; a From in c.test is refused whatever the source.
        var sent = await sip.SendMessageAsync(new SipOutgoingMessage("sip:mallory@c.test", TestAccounts.AliceUri, body)
        {
            Target = BridgeProcess.SipEndPoint,
            LocalAddress = IPAddress.Loopback,
        });

        Assert.AreEqual(403, sent.FinalStatus, Diagnostics(sent.ToString()));
        Assert.IsNull(await alice.WaitForAsync(e => e.Body == body, QuietPeriod), alice.Diagnostics());
    }

    [TestMethod]
    public async Task ABurstOverTheDomainsRateGets503WithRetryAfterWhileTheFirstTenPass()
    {
        // peers/bridge.json gives b.test 10 messages per second; the other tests send far fewer.
        var sip = new SipTestClient(LogDirectory);
        await using var alice = await ConnectAsync(TestAccounts.AliceJid, TestAccounts.AlicePassword);
        // Longer than the one-second window, so the burst starts with a full one whatever ran before.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var burst = await sip.SendMessagesAsync(new SipOutgoingMessage(TestAccounts.BobUri, TestAccounts.AliceUri, Unique("burst"))
        {
            Target = BridgeProcess.SipEndPoint,
            LocalAddress = IPAddress.Loopback,
        }, 25);

        var finals = burst.Trace.Where(e => e.Received && e.StatusCode >= 200).GroupBy(e => e.Header("Call-ID")).Select(g => g.Last()).ToList();
        Assert.HasCount(25, finals, Diagnostics(burst.ToString()));
        Assert.AreEqual(10, finals.Count(f => f.StatusCode == 200), Diagnostics(burst.ToString()));
        var refused = finals.Where(f => f.StatusCode == 503).ToList();
        Assert.HasCount(15, refused, Diagnostics(burst.ToString()));
        Assert.IsTrue(refused.All(f => f.Header("Retry-After") == "1"), Diagnostics(burst.ToString()));
    }


    private static Task<XmppTestClient> ConnectAsync(string jid, string password) =>
        XmppTestClient.ConnectAsync(jid, password, LogDirectory);

    private static string Unique(string text) => $"{text} [{Guid.NewGuid().ToString("N")[..8]}]";

    private static string Diagnostics(params string[] parts) => s_run.Diagnostics(parts);
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bridge.Bench;

/// <summary>
/// `--self-check`: the bench's own presence logic without a bridge. A socket plays the bridge's SIP side
/// against <see cref="SipPresenceServer"/> (on ephemeral loopback ports): SUBSCRIBE -> 202 + NOTIFY active,
/// an update NOTIFY with its tag, unsubscribe -> 202 + NOTIFY terminated; and stanzas are fed to
/// <see cref="PresenceBook"/>. Prints each failed check; exit code 1 if any.
/// </summary>
internal static class PresenceSelfCheck
{
    private static int s_failures;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        Check(PresenceBook.Index("p12@b.test/bench"u8, (byte)'p') == 12, "Index of a full JID");
        Check(PresenceBook.Index("sip:p7@b.test"u8, (byte)'p') == 7, "Index of a SIP URI");
        Check(PresenceBook.Index("w3@a.test"u8, (byte)'p') == -1, "Index with another letter");
        Check(PresenceBook.Index("p@b.test"u8, (byte)'p') == -1, "Index without digits");
        Check(SipPresenceServer.TryEndPoint(SipPresenceServer.ContactUri("<sip:127.0.0.20:5060;transport=udp>"u8))?.ToString() == "127.0.0.20:5060", "Contact with brackets");
        Check(SipPresenceServer.TryEndPoint(SipPresenceServer.ContactUri("sip:gw@127.0.0.20:5070;ob"u8))?.ToString() == "127.0.0.20:5070", "Contact without brackets, with user");
        Check(SipPresenceServer.TryEndPoint("sip:bridge.example") is null, "Contact with a host name");
        Check(SipText.Parameter("SIP/2.0/UDP 127.0.0.21:5060;branch=z9hG4bKn3.17;rport"u8, ";branch=z9hG4bK"u8).SequenceEqual("n3.17"u8), "branch parameter");

        var fakeBridge = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        fakeBridge.Bind(new IPEndPoint(options.PeerAddress, 0));
        fakeBridge.ReceiveTimeout = 2000;
        var bridgeAt = (IPEndPoint)fakeBridge.LocalEndPoint!;
        using var sip = new SipPeer(new IPEndPoint(options.PeerAddress, 0), new IPEndPoint(options.PeerAddress, 0), bridgeAt);
        using var server = new SipPresenceServer(10, sip.UasEndPoint, sip.SendFromUas);
        sip.Presence = server;
        var uas = sip.UasEndPoint;
        try
        {
            Send(fakeBridge, uas, Subscribe(bridgeAt, "", 3600, 1));
            var accepted = Receive(fakeBridge);
            Check(accepted.StartsWith("SIP/2.0 202 ", StringComparison.Ordinal), "SUBSCRIBE answered 202: " + First(accepted));
            Check(accepted.Contains("Expires: 3600\r\n", StringComparison.Ordinal), "202 echoes Expires");
            var toTag = Encoding.UTF8.GetString(SipText.Parameter(SipText.Header(Encoding.UTF8.GetBytes(accepted), "To"u8, "t"u8), ";tag="u8));
            Check(toTag.Length > 0, "202 adds a To-tag");
            var notify = Receive(fakeBridge);
            Check(notify.StartsWith($"NOTIFY sip:gw@{bridgeAt} SIP/2.0\r\n", StringComparison.Ordinal), "NOTIFY to the SUBSCRIBE's Contact: " + First(notify));
            Check(notify.Contains($"From: <sip:p5@b.test>;tag={toTag}\r\n", StringComparison.Ordinal), "NOTIFY From = SUBSCRIBE To + the 202's tag");
            Check(notify.Contains("To: <sip:w5@a.test>;tag=wtag\r\n", StringComparison.Ordinal), "NOTIFY To = SUBSCRIBE From");
            Check(notify.Contains("Call-ID: sub5@bridge\r\n", StringComparison.Ordinal) && notify.Contains("Event: presence\r\n", StringComparison.Ordinal), "NOTIFY Call-ID and Event");
            Check(notify.Contains("Subscription-State: active;expires=3600\r\n", StringComparison.Ordinal) && notify.Contains("<note>", StringComparison.Ordinal), "NOTIFY active with a PIDF note");
            Answer(fakeBridge, uas, notify, 200);
            await Task.Delay(200);
            Check(server.HeldDialogs().SequenceEqual([5]), "dialog 5 held after the 200");

            var book = new PresenceBook(10);
            var t = new Tracker(LoadRunner.NextPhase(), PresenceRunner.Direction, 16, 4);
            server.StartUpdates(t, server.HeldDialogs());
            Check(t.TryTakeSlot(), "window slot");
            var seq = t.NextSeq();
            server.SendUpdate(t, seq);
            var update = Receive(fakeBridge);
            Check(update.Contains("CSeq: 2 NOTIFY\r\n", StringComparison.Ordinal), "update NOTIFY has the next CSeq");
            Check(update.Contains($"<note>n{t.Phase}.{seq} ", StringComparison.Ordinal), "update NOTIFY note carries its tag");
            Answer(fakeBridge, uas, update, 200);
            await Task.Delay(200);
            Check(t.IsAnswered(seq), "update 200 matched by its branch");
            book.OnPresence(Encoding.UTF8.GetBytes($"<presence from='p5@b.test/bench' to='w5@a.test'><status>n{t.Phase}.{seq} presence update from the bench</status></presence>"));
            Check(t.DeliveredCount == 1 && book.UpdateStanzas == 1, "update stanza delivered to its tracker");
            server.StopUpdates();
            t.Retire();

            var est = new Tracker(LoadRunner.NextPhase(), "subscribe", 8, 0);
            book.Establishing = est;
            book.EstablishBase = 2;
            est.NextSeq();
            est.NextSeq();
            est.NextSeq();
            est.NextSeq();
            book.OnPresence("<presence type='subscribed' from='p5@b.test' to='w5@a.test'/>"u8);
            book.OnPresence("<presence from='p5@b.test/bench' to='w5@a.test'><status>bench initial presence</status></presence>"u8);
            book.OnPresence("<presence type='subscribed' from='p4@b.test' to='w3@a.test'/>"u8);
            Check(est.DeliveredCount == 2 && est.IsResolved(3) && book.SubscribedCount == 2, "subscribed resolves watcher index - base");
            Check(book.InitialPresenceCount == 1 && book.Mismatched == 1, "initial presence and a mismatch counted");
            est.Retire();

            Send(fakeBridge, uas, Subscribe(bridgeAt, toTag, 0, 2));
            var unsubscribed = Receive(fakeBridge);
            Check(unsubscribed.StartsWith("SIP/2.0 202 ", StringComparison.Ordinal) && unsubscribed.Contains("Expires: 0\r\n", StringComparison.Ordinal), "unsubscribe answered 202 with Expires: 0");
            var terminated = Receive(fakeBridge);
            Check(terminated.Contains("Subscription-State: terminated\r\n", StringComparison.Ordinal), "NOTIFY terminated after the unsubscribe");
            Answer(fakeBridge, uas, terminated, 200);
            await Task.Delay(100);
            Check(server.HeldDialogs().Length == 0 && server.Unsubscribes == 1, "no dialog held after the unsubscribe");
        }
        catch (SocketException e)
        {
            Check(false, "socket: " + e.Message);
        }
        fakeBridge.Dispose();
        await LoopAsync(options);
        Console.WriteLine(s_failures == 0 ? "self-check: all passed" : $"self-check: {s_failures} failed");
        return s_failures == 0 ? 0 : 1;
    }

    /// <summary>The whole presence phase against <see cref="FakePresenceBridge"/> (this process's RSS stands in for the bridge's).</summary>
    private static async Task LoopAsync(BenchOptions options)
    {
        const int n = 600;
        var o = options with { PresenceSubscriptions = n, PresenceWarmup = 100, Repetitions = 1, PresenceDuration = TimeSpan.FromSeconds(1), Drain = TimeSpan.FromSeconds(3) };
        using var sip = new SipPeer(new IPEndPoint(o.PeerAddress, 0), new IPEndPoint(o.PeerAddress, 0), new IPEndPoint(o.BridgeAddress, 9));
        using var fake = new FakePresenceBridge(o.BridgeAddress, sip.UasEndPoint, o.BridgeSecret);
        using var xmpp = new XmppPeer(new IPEndPoint(o.PeerAddress, 0), fake.XmppEndPoint, o.PeerSecret, o.BridgeSecret);
        var book = new PresenceBook(n);
        using var server = new SipPresenceServer(n, sip.UasEndPoint, sip.SendFromUas);
        sip.Presence = server;
        xmpp.Presence = book;
        await xmpp.ConnectAsync(TimeSpan.FromSeconds(5));
        await fake.ConnectOutAsync(xmpp.ListenEndPoint, TimeSpan.FromSeconds(5));
        var r = new PresenceRunner(o, xmpp, server, book, Environment.ProcessId, null).Run();
        r.Print(Console.Out);
        Check(r.Note is null, "loop: no note: " + r.Note);
        Check(r.Established == n && r.EstablishLost == 0 && r.EstablishErrors == 0, "loop: all subscriptions established");
        Check(r.InitialPresences == n && server.HeldDialogs().Length == n, "loop: initial presences and held dialogs");
        Check(r.Updates.Count == 1 && r.Updates[0].Delivered > 0 && r.Lost == 0 && r.AnsweredNotDelivered == 0 && r.Unanswered == 0, "loop: updates delivered, none lost");
        Check(!double.IsNaN(r.RssAfterMiB) && !double.IsNaN(r.EstablishSeconds), "loop: memory and time read");
    }

    private static string Subscribe(IPEndPoint bridge, string toTag, int expires, int cseq) =>
        "SUBSCRIBE sip:p5@b.test SIP/2.0\r\n"
        + $"Via: SIP/2.0/UDP {bridge};branch=z9hG4bKsub{cseq}\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:w5@a.test>;tag=wtag\r\n"
        + "To: <sip:p5@b.test>" + (toTag.Length > 0 ? ";tag=" + toTag : "") + "\r\n"
        + "Call-ID: sub5@bridge\r\n"
        + $"CSeq: {cseq} SUBSCRIBE\r\n"
        + $"Contact: <sip:gw@{bridge}>\r\n"
        + "Event: presence\r\nAccept: application/pidf+xml\r\n"
        + $"Expires: {expires}\r\nContent-Length: 0\r\n\r\n";

    private static void Send(Socket s, IPEndPoint to, string text) => s.SendTo(Encoding.UTF8.GetBytes(text), to);

    private static string Receive(Socket s)
    {
        var buffer = new byte[8192];
        var n = s.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static void Answer(Socket s, IPEndPoint to, string request, int status)
    {
        var output = new byte[4096];
        var n = SipText.BuildResponse(Encoding.UTF8.GetBytes(request), output, Encoding.UTF8.GetBytes($"SIP/2.0 {status} OK\r\n"), "x"u8, default);
        s.SendTo(output.AsSpan(0, n), to);
    }

    private static string First(string message) => message.Split("\r\n")[0];

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            s_failures++;
            Console.WriteLine("FAILED: " + what);
        }
    }
}

using System.Text.Json;
using Bridge.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Sip.Events;

/// <summary>A notifier rebuilt from its snapshot continues the same dialog (RFC 3261 §12) with increasing CSeq.</summary>
[TestClass]
public sealed class SipNotifierRestoreTests
{
    private readonly FakeTimeProvider _time = new();
    private static readonly SipNotifierOptions Options = new([SipEventPackage.Presence], "sip:alice@10.0.0.2:5060");

    private static SipRequest Subscribe()
    {
        var request = new SipRequest("SUBSCRIBE", "sip:alice@a.test");
        request.Headers.Add("From", "<sip:bob@b.test>;tag=w1");
        request.Headers.Add("To", "<sip:alice@a.test>");
        request.Headers.Add("Call-ID", "c1@b.test");
        request.Headers.Add("CSeq", "4 SUBSCRIBE");
        request.Headers.Add("Contact", "<sip:bob@10.0.0.9>");
        request.Headers.Add("Record-Route", "<sip:kamailio.b.test;lr>");
        request.Headers.Add("Event", "presence");
        request.Headers.Add("Expires", "600");
        return request;
    }

    [TestMethod]
    public void ARestoredNotifierContinuesTheDialog()
    {
        using var original = new SipNotifier(Options, _time);
        original.OnSubscribe(Subscribe());
        original.Activate();
        var before = original.CreateNotify().Request;
        var snapshot = JsonSerializer.Deserialize<SipNotifierSnapshot>(JsonSerializer.Serialize(original.Snapshot()!))!;

        _time.Advance(TimeSpan.FromSeconds(100));
        using var restored = SipNotifier.Restore(Options, _time, snapshot);
        Assert.AreEqual(SipSubscriptionState.Active, restored.State);
        var after = restored.CreateNotify().Request;
        Assert.AreEqual(before.CallId, after.CallId);
        Assert.AreEqual(before.From!.Tag, after.From!.Tag);
        Assert.AreEqual("w1", after.To!.Tag);
        Assert.AreEqual(before.CSeqNumber + 1, after.CSeqNumber);
        Assert.AreEqual("<sip:kamailio.b.test;lr>", after.Headers["Route"]);
        Assert.AreEqual("active;expires=500", after.Headers["Subscription-State"]);

        var refresh = Subscribe();
        refresh.Headers.Set("To", $"<sip:alice@a.test>;tag={restored.Dialog!.LocalTag}");
        refresh.Headers.Set("CSeq", "3 SUBSCRIBE");
        Assert.AreEqual(500, restored.OnSubscribe(refresh).StatusCode, "the remote CSeq survived: an older one is out of order");
    }

    [TestMethod]
    public void ASnapshotPastItsExpiryRestoresTerminated()
    {
        using var original = new SipNotifier(Options, _time);
        original.OnSubscribe(Subscribe());
        var snapshot = original.Snapshot()!;
        _time.Advance(TimeSpan.FromSeconds(601));
        using var restored = SipNotifier.Restore(Options, _time, snapshot);
        Assert.AreEqual(SipSubscriptionState.Terminated, restored.State);
        Assert.AreEqual("terminated;reason=timeout", restored.CreateNotify().Request.Headers["Subscription-State"]);
    }

    [TestMethod]
    public void ABrokenSnapshotIsAFormatException()
    {
        using var original = new SipNotifier(Options, _time);
        original.OnSubscribe(Subscribe());
        var snapshot = original.Snapshot()! with { RemoteTarget = "not a uri" };
        Assert.ThrowsExactly<FormatException>(() => SipNotifier.Restore(Options, _time, snapshot));
    }
}

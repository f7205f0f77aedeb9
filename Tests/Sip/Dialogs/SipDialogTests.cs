using Bridge.Sip;

namespace Bridge.Tests.Sip.Dialogs;

/// <summary>RFC 3261 §12: dialog creation on both sides, route sets, in-dialog request construction and CSeq rules.</summary>
[TestClass]
public sealed class SipDialogTests
{
    private static SipRequest NewSubscribe(params string[] recordRoutes)
    {
        var request = new SipRequest("SUBSCRIBE", "sip:bob@b.test");
        request.Headers.Add("Via", "SIP/2.0/UDP a.test;branch=z9hG4bKx");
        request.Headers.Add("From", "\"Alice\" <sip:alice@a.test>;tag=atag");
        request.Headers.Add("To", "<sip:bob@b.test>");
        request.Headers.Add("Call-ID", "c1@a.test");
        request.Headers.Add("CSeq", "7 SUBSCRIBE");
        request.Headers.Add("Contact", "<sip:alice@10.0.0.1:5070>");
        foreach (var rr in recordRoutes)
        {
            request.Headers.Add("Record-Route", rr);
        }
        return request;
    }

    private static SipResponse NewOk(string contact, params string[] recordRoutes)
    {
        var response = new SipResponse(200, "OK");
        response.Headers.Add("From", "\"Alice\" <sip:alice@a.test>;tag=atag");
        response.Headers.Add("To", "<sip:bob@b.test>;tag=btag");
        response.Headers.Add("Call-ID", "c1@a.test");
        response.Headers.Add("CSeq", "7 SUBSCRIBE");
        response.Headers.Add("Contact", contact);
        foreach (var rr in recordRoutes)
        {
            response.Headers.Add("Record-Route", rr);
        }
        return response;
    }

    [TestMethod]
    public void UacDialogTakesTagsTargetAndReversedRecordRoute()
    {
        var dialog = SipDialog.FromUacResponse(NewSubscribe(),
            NewOk("<sip:bob@10.0.0.2:5080;transport=tcp>", "<sip:p2.test;lr>", "<sip:p1.test;lr>"));

        Assert.AreEqual(new SipDialogKey("c1@a.test", "atag", "btag"), dialog.Key);
        Assert.AreEqual("sip:alice@a.test", dialog.LocalUri);
        Assert.AreEqual("sip:bob@b.test", dialog.RemoteUri);
        Assert.AreEqual("sip:bob@10.0.0.2:5080;transport=tcp", dialog.RemoteTarget);
        // The 2xx lists the proxy nearest the UAS first; the UAC uses them in reverse (§12.1.2).
        CollectionAssert.AreEqual(new[] { "<sip:p1.test;lr>", "<sip:p2.test;lr>" }, dialog.RouteSet.ToArray());
        Assert.AreEqual(7L, dialog.LocalCSeq);
        Assert.IsNull(dialog.RemoteCSeq);
    }

    [TestMethod]
    public void UasDialogKeepsRecordRouteOrderAndRemoteCSeq()
    {
        var request = NewSubscribe("<sip:p1.test;lr>, <sip:p2.test;lr>");
        var dialog = SipDialog.FromUasRequest(request, "btag", "sip:bob@10.0.0.2:5080");

        Assert.AreEqual(new SipDialogKey("c1@a.test", "btag", "atag"), dialog.Key);
        Assert.AreEqual("sip:bob@b.test", dialog.LocalUri);
        Assert.AreEqual("sip:alice@a.test", dialog.RemoteUri);
        Assert.AreEqual("sip:alice@10.0.0.1:5070", dialog.RemoteTarget);
        CollectionAssert.AreEqual(new[] { "<sip:p1.test;lr>", "<sip:p2.test;lr>" }, dialog.RouteSet.ToArray());
        Assert.AreEqual(7L, dialog.RemoteCSeq);
        Assert.IsNull(dialog.LocalCSeq);
    }

    [TestMethod]
    public void InDialogRequestWithoutRoutesGoesToRemoteTarget()
    {
        var dialog = SipDialog.FromUacResponse(NewSubscribe(), NewOk("<sip:bob@10.0.0.2:5080>"));
        var outbound = dialog.CreateRequest("SUBSCRIBE");
        var r = outbound.Request;

        Assert.AreEqual("sip:bob@10.0.0.2:5080", r.RequestUri);
        Assert.AreEqual("sip:bob@10.0.0.2:5080", outbound.NextHopUri);
        Assert.IsFalse(r.Headers.Contains("Route"));
        Assert.AreEqual("\"Alice\" <sip:alice@a.test>;tag=atag", r.Headers["From"]);
        Assert.AreEqual("<sip:bob@b.test>;tag=btag", r.Headers["To"]);
        Assert.AreEqual("c1@a.test", r.CallId);
        Assert.AreEqual("8 SUBSCRIBE", r.Headers["CSeq"]);
        Assert.AreEqual("70", r.Headers["Max-Forwards"]);
        Assert.AreEqual("<sip:alice@10.0.0.1:5070>", r.Headers["Contact"], "SUBSCRIBE is a target refresh request");
        Assert.AreEqual("9 NOTIFY", dialog.CreateRequest("NOTIFY").Request.Headers["CSeq"], "local CSeq increments by one per request");
    }

    [TestMethod]
    public void LooseRoutingKeepsRemoteTargetAndSendsToFirstRoute()
    {
        var dialog = SipDialog.FromUacResponse(NewSubscribe(),
            NewOk("<sip:bob@10.0.0.2>", "<sip:p2.test;lr>", "<sip:p1.test;lr>"));
        var outbound = dialog.CreateRequest("SUBSCRIBE");

        Assert.AreEqual("sip:bob@10.0.0.2", outbound.Request.RequestUri);
        CollectionAssert.AreEqual(new[] { "<sip:p1.test;lr>", "<sip:p2.test;lr>" }, outbound.Request.Headers.GetAll("Route").ToArray());
        Assert.AreEqual("sip:p1.test;lr", outbound.NextHopUri);
    }

    [TestMethod]
    public void StrictRoutingPutsFirstRouteInRequestUriAndTargetLast()
    {
        // p1 has no ;lr: an RFC 2543 strict router (§12.2.1.1).
        var dialog = SipDialog.FromUacResponse(NewSubscribe(),
            NewOk("<sip:bob@10.0.0.2>", "<sip:p2.test;lr>", "<sip:p1.test;maddr=10.9.9.9>"));
        var outbound = dialog.CreateRequest("NOTIFY");

        Assert.AreEqual("sip:p1.test;maddr=10.9.9.9", outbound.Request.RequestUri);
        CollectionAssert.AreEqual(new[] { "<sip:p2.test;lr>", "<sip:bob@10.0.0.2>" }, outbound.Request.Headers.GetAll("Route").ToArray());
        Assert.AreEqual("sip:p1.test;maddr=10.9.9.9", outbound.NextHopUri);
    }

    [TestMethod]
    public void UasLocalCSeqStartsFreshAndTagsAreSwapped()
    {
        var dialog = SipDialog.FromUasRequest(NewSubscribe(), "btag", "sip:bob@10.0.0.2");
        var notify = dialog.CreateRequest("NOTIFY").Request;

        Assert.AreEqual("1 NOTIFY", notify.Headers["CSeq"]);
        Assert.AreEqual("<sip:bob@b.test>;tag=btag", notify.Headers["From"]);
        Assert.AreEqual("\"Alice\" <sip:alice@a.test>;tag=atag", notify.Headers["To"]);
        Assert.AreEqual("sip:alice@10.0.0.1:5070", notify.RequestUri);
    }

    private static SipRequest InDialog(string method, long cseq, string? contact = null, string toTag = "btag", string fromTag = "atag")
    {
        var request = new SipRequest(method, "sip:bob@10.0.0.2");
        request.Headers.Add("From", $"<sip:alice@a.test>;tag={fromTag}");
        request.Headers.Add("To", $"<sip:bob@b.test>;tag={toTag}");
        request.Headers.Add("Call-ID", "c1@a.test");
        request.Headers.Add("CSeq", $"{cseq} {method}");
        if (contact is not null)
        {
            request.Headers.Add("Contact", contact);
        }
        return request;
    }

    [TestMethod]
    [DataRow(6L, false, 500, DisplayName = "lower CSeq is out of order (500)")]
    [DataRow(7L, true, 0, DisplayName = "equal CSeq is not lower")]
    [DataRow(8L, true, 0, DisplayName = "higher CSeq")]
    [DataRow(1000L, true, 0, DisplayName = "gaps are allowed")]
    public void RemoteCSeqOrdering(long cseq, bool accepted, int status)
    {
        var dialog = SipDialog.FromUasRequest(NewSubscribe(), "btag", "sip:bob@10.0.0.2");
        Assert.AreEqual(accepted, dialog.TryAcceptRemoteRequest(InDialog("SUBSCRIBE", cseq), out var reject));
        Assert.AreEqual(status, reject);
        Assert.AreEqual(accepted ? cseq : 7L, dialog.RemoteCSeq);
    }

    [TestMethod]
    public void FirstRemoteRequestOfUacDialogSetsRemoteCSeq()
    {
        var dialog = SipDialog.FromUacResponse(NewSubscribe(), NewOk("<sip:bob@10.0.0.2>"));
        var notify = InDialog("NOTIFY", 3, toTag: "atag", fromTag: "btag");
        Assert.IsTrue(dialog.TryAcceptRemoteRequest(notify, out _), "an empty remote CSeq accepts any value");
        Assert.AreEqual(3L, dialog.RemoteCSeq);
        Assert.IsFalse(dialog.TryAcceptRemoteRequest(InDialog("NOTIFY", 2, toTag: "atag", fromTag: "btag"), out var reject));
        Assert.AreEqual(500, reject);
    }

    [TestMethod]
    public void TargetRefreshUpdatesRemoteTargetOnlyForRefreshMethods()
    {
        var dialog = SipDialog.FromUasRequest(NewSubscribe(), "btag", "sip:bob@10.0.0.2");
        Assert.IsTrue(dialog.TryAcceptRemoteRequest(InDialog("MESSAGE", 8, "<sip:alice@10.1.1.1>"), out _));
        Assert.AreEqual("sip:alice@10.0.0.1:5070", dialog.RemoteTarget, "MESSAGE is no target refresh");
        Assert.IsTrue(dialog.TryAcceptRemoteRequest(InDialog("SUBSCRIBE", 9, "<sip:alice@10.2.2.2:5099>;expires=30"), out _));
        Assert.AreEqual("sip:alice@10.2.2.2:5099", dialog.RemoteTarget);
        Assert.AreEqual("sip:alice@10.2.2.2:5099", dialog.CreateRequest("NOTIFY").Request.RequestUri);
    }

    [TestMethod]
    [DataRow("wrong", "atag", DisplayName = "other local tag")]
    [DataRow("btag", "other", DisplayName = "other remote tag")]
    public void RequestOfAnotherDialogGets481(string toTag, string fromTag)
    {
        var dialog = SipDialog.FromUasRequest(NewSubscribe(), "btag", "sip:bob@10.0.0.2");
        Assert.IsFalse(dialog.TryAcceptRemoteRequest(InDialog("SUBSCRIBE", 8, toTag: toTag, fromTag: fromTag), out var reject));
        Assert.AreEqual(481, reject);
    }

    [TestMethod]
    public void MismatchedCSeqMethodGets400()
    {
        var dialog = SipDialog.FromUasRequest(NewSubscribe(), "btag", "sip:bob@10.0.0.2");
        var request = InDialog("SUBSCRIBE", 8);
        request.Headers.Set("CSeq", "8 NOTIFY");
        Assert.IsFalse(dialog.TryAcceptRemoteRequest(request, out var reject));
        Assert.AreEqual(400, reject);
    }

    [TestMethod]
    public void ResponseWithoutContactCannotCreateDialog()
    {
        var response = NewOk("<sip:bob@10.0.0.2>");
        response.Headers.Remove("Contact");
        Assert.ThrowsExactly<FormatException>(() => SipDialog.FromUacResponse(NewSubscribe(), response));
    }

    [TestMethod]
    public void NonSuccessResponseCannotCreateDialog()
    {
        var response = new SipResponse(404, "Not Found");
        Assert.ThrowsExactly<FormatException>(() => SipDialog.FromUacResponse(NewSubscribe(), response));
    }

    [TestMethod]
    public void MalformedRecordRouteIsRejected()
    {
        Assert.ThrowsExactly<FormatException>(() => SipDialog.FromUasRequest(NewSubscribe("<sip:p1.test;lr"), "btag", "sip:bob@b.test"));
    }

    [TestMethod]
    public void KeyForIncomingRequestUsesToTagAsLocal()
    {
        Assert.AreEqual(new SipDialogKey("c1@a.test", "btag", "atag"), SipDialogKey.ForIncomingRequest(InDialog("NOTIFY", 1)));
        Assert.IsNull(SipDialogKey.ForIncomingRequest(NewSubscribe()), "no To-tag: not in a dialog");
    }
}

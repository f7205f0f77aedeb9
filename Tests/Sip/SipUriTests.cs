using Bridge.Sip;

namespace Bridge.Tests.Sip;

[TestClass]
public sealed class SipUriTests
{
    [TestMethod]
    public void Ipv6ReferenceWithPortAndParameters()
    {
        Assert.IsTrue(SipUri.TryParse("sip:alice@[2001:db8::1]:5070;transport=tcp;lr", out var uri));
        Assert.AreEqual("[2001:db8::1]", uri.Host);
        Assert.AreEqual(5070, uri.Port);
        Assert.AreEqual("tcp", uri.Parameters["transport"]);
        Assert.IsNull(uri.Parameters["lr"]);
        Assert.AreEqual("sip:alice@[2001:db8::1]:5070;transport=tcp;lr", uri.ToString());
    }

    [TestMethod]
    [DataRow("sip:[::1]")]
    [DataRow("SIPS:bob@b.test")]
    [DataRow("sip:b.test:5060")]
    [DataRow("sip:%61lice@a.test?subject=hi")]
    public void Accepts(string text) => Assert.IsTrue(SipUri.TryParse(text, out _), text);

    [TestMethod]
    [DataRow("sip:")]
    [DataRow("sip:[::1")]
    [DataRow("sip:[nothex]")]
    [DataRow("sip:a@b.test:99999")]
    [DataRow("sip:a b@c.test")]
    [DataRow("sip:a%4@c.test")]
    [DataRow("http://b.test")]
    [DataRow("sip:a@b_c.test")]
    [DataRow("sip:a@b.test;;x")]
    public void Rejects(string text) => Assert.IsFalse(SipUri.TryParse(text, out _), text);

    [TestMethod]
    public void NameAddrRoundTripAndTag()
    {
        Assert.IsTrue(SipNameAddr.TryParse("\"Al \\\"Q\\\" Ice\" <sip:alice@a.test;transport=udp>;x=1", out var addr));
        Assert.AreEqual("Al \"Q\" Ice", addr.DisplayName);
        Assert.IsNull(addr.Tag);
        var tagged = addr.WithTag("abc");
        Assert.AreEqual("abc", tagged.Tag);
        Assert.AreEqual("\"Al \\\"Q\\\" Ice\" <sip:alice@a.test;transport=udp>;x=1;tag=abc", tagged.ToString());
        Assert.IsTrue(SipNameAddr.TryParse(tagged.ToString(), out var again));
        Assert.AreEqual(tagged.DisplayName, again.DisplayName);
        Assert.AreEqual(tagged.Uri, again.Uri);
    }

    [TestMethod]
    public void AddrSpecParametersBelongToTheHeader()
    {
        Assert.IsTrue(SipNameAddr.TryParse("sip:bob@b.test;tag=9", out var addr));
        Assert.AreEqual("sip:bob@b.test", addr.Uri);
        Assert.AreEqual("9", addr.Tag);
    }

    [TestMethod]
    public void HeadersSplitRespectsQuotesAndBrackets()
    {
        var headers = new SipHeaders();
        headers.Add("Contact", "\"a, b\" <sip:a@x.test;p=1,2>, <sip:c@y.test>");
        headers.Add("m", "<sip:d@z.test>");
        CollectionAssert.AreEqual(new[] { "\"a, b\" <sip:a@x.test;p=1,2>", "<sip:c@y.test>", "<sip:d@z.test>" }, headers.GetAllSplit("contact").ToList());
        Assert.HasCount(2, headers.GetAll("Contact"));
        headers.InsertFirst("Contact", "<sip:first@x.test>");
        Assert.AreEqual("<sip:first@x.test>", headers["CONTACT"]);
        headers.Set("Contact", "<sip:only@x.test>");
        Assert.HasCount(1, headers.GetAll("Contact"));
        Assert.IsTrue(headers.Remove("m"));
        Assert.AreEqual(0, headers.Count);
    }
}

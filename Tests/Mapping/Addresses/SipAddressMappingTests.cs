using Bridge.Mapping.Addresses;

namespace Bridge.Tests.Mapping.Addresses;

[TestClass]
public sealed class SipAddressMappingTests
{
    [TestMethod]
    [DataRow("sip:romeo@example.net", "romeo", "example.net", null)]
    [DataRow("sips:romeo@example.net", "romeo", "example.net", null)]
    [DataRow("SIP:Romeo@Example.NET", "Romeo", "example.net", null)]          // SIP user part is case-sensitive (RFC 3261 §19.1.4)
    [DataRow("<sip:romeo@example.net>", "romeo", "example.net", null)]
    [DataRow("sip:romeo@example.net;gr=dr4hcr0st3lup4c", "romeo", "example.net", "dr4hcr0st3lup4c")] // RFC 7247 §6.3
    [DataRow("sip:juliet@example.com;transport=tcp;gr=yn0cl4bnw0yr3vym;lr", "juliet", "example.com", "yn0cl4bnw0yr3vym")]
    [DataRow("sip:alice@example.com;gr", "alice", "example.com", null)]      // temporary GRUU: no instance value
    [DataRow("sip:alice@example.com;GR=urn%3Auuid%3Af81d4fae", "alice", "example.com", "urn:uuid:f81d4fae")]
    [DataRow("sip:alice:secret@example.com:5070;transport=udp?subject=hi&priority=urgent", "alice", "example.com", null)]
    [DataRow("sip:user%20name@b.test", "user name", "b.test", null)]
    [DataRow("sip:d'artagnan@musketeers.lit", "d'artagnan", "musketeers.lit", null)]
    [DataRow("sip:d%27artagnan@musketeers.lit", "d'artagnan", "musketeers.lit", null)]
    [DataRow("sip:a;b?c/d@b.test", "a;b?c/d", "b.test", null)]               // user-unreserved ; ? / are legal in the user part
    [DataRow("sip:%40home@b.test", "@home", "b.test", null)]
    [DataRow("sip:caf%C3%A9@b.test", "café", "b.test", null)]
    [DataRow("sip:café@b.test", "café", "b.test", null)]                    // COMPAT: raw UTF-8 user parts
    [DataRow("sip:+15551234567@b.test;user=phone", "+15551234567", "b.test", null)]
    [DataRow("sip:b.test", null, "b.test", null)]
    [DataRow("sip:alice@[2001:db8::1]:5060", "alice", "[2001:db8::1]", null)]
    [DataRow("sip:alice@192.0.2.4", "alice", "192.0.2.4", null)]
    [DataRow("im:romeo@example.net", "romeo", "example.net", null)]          // RFC 3860
    [DataRow("pres:romeo@example.net?x=y", "romeo", "example.net", null)]    // RFC 3859
    [DataRow("sip:here%27s_a_wild_%26_%2Fcr%25zy%2F_address@example.com", "here's_a_wild_&_/cr%zy/_address", "example.com", null)] // XEP-0106 §5.3 (with %zy properly escaped)
    public void FromSip_accepts(string uri, string? local, string domain, string? resource)
    {
        Assert.IsTrue(SipAddressMapping.TryFromSip(uri, out var a), uri);
        Assert.AreEqual(new ChatAddress(local, domain, resource), a);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("   ")]
    [DataRow("tel:+15551234567")]
    [DataRow("mailto:a@b.test")]
    [DataRow("xmpp:a@b.test")]
    [DataRow("sip:")]
    [DataRow("sip:@b.test")]
    [DataRow("sip:alice@")]
    [DataRow("sip:al ice@b.test")]
    [DataRow("sip:al<ice@b.test")]
    [DataRow("sip:al\"ice@b.test")]
    [DataRow("sip:here%27s_a_wild_%26_%2Fcr%zy%2F_address@example.com")]    // XEP-0106's own example: "%zy" is not an escape
    [DataRow("sip:a%4@b.test")]
    [DataRow("sip:a%00b@b.test")]                                            // control character once decoded
    [DataRow("sip:a%C3@b.test")]                                             // invalid UTF-8
    [DataRow("sip:alice@b.test:99999")]
    [DataRow("sip:alice@b.test:")]
    [DataRow("sip:alice@b..test")]
    [DataRow("sip:alice@[2001:db8::1")]
    [DataRow("sip:alice@b.test;gr=")]
    [DataRow("sip:alice@b.test;;lr")]
    [DataRow("im:alice@b.test;gr=x")]                                        // im:/pres: have no parameters
    public void FromSip_rejects_malformed(string uri)
    {
        Assert.IsFalse(SipAddressMapping.TryFromSip(uri, out var a));
        Assert.IsNull(a);
    }

    [TestMethod]
    [DataRow("romeo", "example.net", null, "sip:romeo@example.net")]
    [DataRow("juliet", "example.com", "yn0cl4bnw0yr3vym", "sip:juliet@example.com;gr=yn0cl4bnw0yr3vym")] // RFC 7247 §6.3
    [DataRow("user name", "b.test", null, "sip:user%20name@b.test")]
    [DataRow("d'artagnan", "musketeers.lit", null, "sip:d'artagnan@musketeers.lit")]
    [DataRow("a@b:c", "b.test", null, "sip:a%40b%3Ac@b.test")]
    [DataRow("a;b?c/d", "b.test", null, "sip:a%3Bb%3Fc%2Fd@b.test")]
    [DataRow("&=+$,-_.!~*'()", "b.test", null, "sip:&=+$,-_.!~*'()@b.test")]
    [DataRow("100%", "b.test", null, "sip:100%25@b.test")]
    [DataRow("c:\\net", "b.test", null, "sip:c%3A%5Cnet@b.test")]
    [DataRow("café", "b.test", null, "sip:caf%C3%A9@b.test")]
    [DataRow("😀", "b.test", null, "sip:%F0%9F%98%80@b.test")]
    [DataRow(null, "b.test", null, "sip:b.test")]
    [DataRow("a", "b.test", "phone one;x", "sip:a@b.test;gr=phone%20one%3Bx")]
    public void ToSip_formats(string? local, string domain, string? resource, string uri)
    {
        Assert.AreEqual(uri, SipAddressMapping.ToSip(new ChatAddress(local, domain, resource)));
    }

    [TestMethod]
    [DataRow("romeo", "example.net", "dr4hcr0st3lup4c")]
    [DataRow("Romeo", "example.net", null)]
    [DataRow("d'artagnan", "musketeers.lit", null)]
    [DataRow("user name", "b.test", "phone one")]
    [DataRow("here's_a_wild_&_/cr%zy/_address", "example.com", null)]
    [DataRow("a@b:c;d?e/f\\g\"h<i>", "b.test", "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6")]
    [DataRow("数据", "例子.测试", "资源")]
    [DataRow("emoji😀x", "b.test", null)]
    [DataRow(null, "b.test", null)]
    public void ToSip_then_FromSip_is_identity(string? local, string domain, string? resource)
    {
        var address = new ChatAddress(local, domain, resource);
        var uri = SipAddressMapping.ToSip(address);
        Assert.IsTrue(SipAddressMapping.TryFromSip(uri, out var back), uri);
        Assert.AreEqual(address, back);
    }

    // End-to-end through the gateway, both directions (XEP-0106 §5.3 and RFC 7247 §6.3).
    [TestMethod]
    [DataRow("sip:here%27s_a_wild_%26_%2Fcr%25zy%2F_address@example.com", @"here\27s_a_wild_\26_\2fcr%zy\2f_address@example.com")]
    [DataRow("sip:romeo@example.net;gr=dr4hcr0st3lup4c", "romeo@example.net/dr4hcr0st3lup4c")]
    [DataRow("sip:user%20name@b.test", @"user\20name@b.test")]
    [DataRow("sip:d'artagnan@musketeers.lit", @"d\27artagnan@musketeers.lit")]
    [DataRow("sips:treville%40musketeers.lit@smtp.gascon.fr", @"treville\40musketeers.lit@smtp.gascon.fr")]
    public void Sip_uri_maps_to_jid_and_back(string sipUri, string jid)
    {
        Assert.IsTrue(SipAddressMapping.TryFromSip(sipUri, out var fromSip));
        Assert.AreEqual(jid, XmppAddressMapping.ToXmpp(fromSip));

        Assert.IsTrue(XmppAddressMapping.TryFromXmpp(jid, out var fromXmpp));
        Assert.AreEqual(fromSip, fromXmpp);
        Assert.IsTrue(SipAddressMapping.TryFromSip(SipAddressMapping.ToSip(fromXmpp), out var again));
        Assert.AreEqual(fromSip, again);
    }

    [TestMethod]
    public void ChatAddress_lowercases_domain_and_compares_by_value()
    {
        var a = new ChatAddress("Alice", "B.Test", "r");
        Assert.AreEqual("b.test", a.Domain);
        Assert.AreEqual(new ChatAddress("Alice", "b.test", "r"), a);
        Assert.AreNotEqual(new ChatAddress("alice", "b.test", "r"), a);
        Assert.AreEqual(new ChatAddress("Alice", "b.test"), a.Bare);
        Assert.AreEqual("Alice@b.test/r", a.ToString());
        Assert.AreEqual("b.test", new ChatAddress(null, "b.test").ToString());
    }
}

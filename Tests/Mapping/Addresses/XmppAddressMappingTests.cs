using Bridge.Mapping.Addresses;

namespace Bridge.Tests.Mapping.Addresses;

[TestClass]
public sealed class XmppAddressMappingTests
{
    // XEP-0106 §5.1 "JID Examples": every row's escaped JID unescapes to the user input.
    [TestMethod]
    [DataRow(@"space\20cadet@example.com", "space cadet")]
    [DataRow(@"call\20me\20\22ishmael\22@example.com", "call me \"ishmael\"")]
    [DataRow(@"at\26t\20guy@example.com", "at&t guy")]
    [DataRow(@"d\27artagnan@example.com", "d'artagnan")]
    [DataRow(@"\2f.fanboy@example.com", "/.fanboy")]
    [DataRow(@"\3a\3afoo\3a\3a@example.com", "::foo::")]
    [DataRow(@"\3cfoo\3e@example.com", "<foo>")]
    [DataRow(@"user\40host@example.com", "user@host")]
    [DataRow(@"c\3a\5cnet@example.com", @"c:\net")]
    [DataRow(@"c\3a\5c\5cnet@example.com", @"c:\\net")]
    [DataRow(@"c\3a\5ccool\20stuff@example.com", @"c:\cool stuff")]
    [DataRow(@"c\3a\5c5commas@example.com", @"c:\5commas")]
    public void FromXmpp_unescapes_xep0106_examples(string jid, string local)
    {
        Assert.IsTrue(XmppAddressMapping.TryFromXmpp(jid, out var address));
        Assert.AreEqual(new ChatAddress(local, "example.com"), address);
    }

    // The same table in the escaping direction. Rows 9-11 escape backslashes that start no escape
    // sequence, which §4.3 forbids ("foo\bar is not modified"); we follow §4.3, see ToXmpp_leaves_lone_backslashes.
    [TestMethod]
    [DataRow("space cadet", @"space\20cadet@example.com")]
    [DataRow("call me \"ishmael\"", @"call\20me\20\22ishmael\22@example.com")]
    [DataRow("at&t guy", @"at\26t\20guy@example.com")]
    [DataRow("d'artagnan", @"d\27artagnan@example.com")]
    [DataRow("/.fanboy", @"\2f.fanboy@example.com")]
    [DataRow("::foo::", @"\3a\3afoo\3a\3a@example.com")]
    [DataRow("<foo>", @"\3cfoo\3e@example.com")]
    [DataRow("user@host", @"user\40host@example.com")]
    [DataRow(@"c:\5commas", @"c\3a\5c5commas@example.com")]
    [DataRow("here's_a_wild_&_/cr%zy/_address", @"here\27s_a_wild_\26_\2fcr%zy\2f_address@example.com")] // §5.2
    [DataRow(@"\3and\2is\5cool", @"\5c3and\2is\5c5cool@example.com")] // §4.2 / §5.5
    [DataRow("here's_a_wild_&_/cr%zy/_address_for:<wv>(\"IMPS\")", @"here\27s_a_wild_\26_\2fcr%zy\2f_address_for\3a\3cwv\3e(\22IMPS\22)@example.com")]
    public void ToXmpp_escapes_xep0106_examples(string local, string jid)
    {
        Assert.AreEqual(jid, XmppAddressMapping.ToXmpp(new ChatAddress(local, "example.com")));
        Assert.IsTrue(XmppAddressMapping.TryFromXmpp(jid, out var back));
        Assert.AreEqual(local.ToLowerInvariant(), back.Local); // RFC 7622 §3.3: the localpart is case-folded
    }

    // XEP-0106 §4.3: partial and unknown sequences are left alone in both directions.
    [TestMethod]
    [DataRow(@"\2plus\2is\4")]
    [DataRow(@"foo\bar")]
    [DataRow(@"foob\41r")]
    [DataRow(@"c:\net")]
    public void Partial_or_unknown_sequences_are_not_modified(string text)
    {
        Assert.AreEqual(text, JidEscaping.Unescape(text));
        var escaped = JidEscaping.Escape(text);
        Assert.IsNotNull(escaped);
        Assert.AreEqual(text.Replace(":", @"\3a", StringComparison.Ordinal), escaped);
        Assert.AreEqual(text, JidEscaping.Unescape(escaped));
    }

    [TestMethod]
    public void ToXmpp_leaves_lone_backslashes()
    {
        Assert.AreEqual(@"c\3a\net@example.com", XmppAddressMapping.ToXmpp(new ChatAddress(@"c:\net", "example.com")));
    }

    [TestMethod]
    public void Escaping_is_case_significant()
    {
        // XEP-0106 §3.1: only lowercase hex is an escape; "\2F" is literal text once case-folded away.
        Assert.AreEqual(@"a\2Fb", JidEscaping.Unescape(@"a\2Fb"));
        Assert.AreEqual("a/b", JidEscaping.Unescape(@"a\2fb"));
    }

    [TestMethod]
    public void FromXmpp_splits_resource_and_folds_local_and_domain_case()
    {
        // RFC 7247 §6.3 example shape: the resource survives untouched (it may contain '@' and '/').
        Assert.IsTrue(XmppAddressMapping.TryFromXmpp("Juliet@Example.COM/balcony/a@b c", out var a));
        Assert.AreEqual(new ChatAddress("juliet", "example.com", "balcony/a@b c"), a);
        Assert.AreEqual(new ChatAddress("juliet", "example.com"), a.Bare);
        Assert.AreEqual("juliet@example.com/balcony/a@b c", a.ToString());
    }

    [TestMethod]
    [DataRow("example.com", null, "example.com", null)]
    [DataRow("example.com.", null, "example.com", null)] // RFC 7622 §3.2 trailing dot
    [DataRow("example.com/res", null, "example.com", "res")]
    [DataRow("a@[::1]", "a", "[::1]", null)]
    [DataRow("a@192.0.2.1/x", "a", "192.0.2.1", "x")]
    [DataRow("stpeter@xn--mnchen-3ya.de", "stpeter", "xn--mnchen-3ya.de", null)]
    [DataRow("user@münchen.de", "user", "münchen.de", null)]
    [DataRow("ро@пример.рф", "ро", "пример.рф", null)]
    public void FromXmpp_accepts(string jid, string? local, string domain, string? resource)
    {
        Assert.IsTrue(XmppAddressMapping.TryFromXmpp(jid, out var a));
        Assert.AreEqual(new ChatAddress(local, domain, resource), a);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("@example.com")]          // empty localpart
    [DataRow("user@")]                 // empty domain
    [DataRow("user@/res")]
    [DataRow("user@example.com/")]     // empty resource
    [DataRow("us er@example.com")]     // space must be escaped
    [DataRow("a\"b@example.com")]
    [DataRow("a&b@example.com")]
    [DataRow("a'b@example.com")]
    [DataRow("a:b@example.com")]
    [DataRow("a<b@example.com")]
    [DataRow("a>b@example.com")]
    [DataRow("a@b@example.com")]       // second '@' lands in the domain
    [DataRow("a\u0001b@example.com")]  // control character
    [DataRow(@"\20a@example.com")]     // XEP-0106 §4.1 rule 6
    [DataRow(@"a\20@example.com")]
    [DataRow("a@exa mple.com")]
    [DataRow("a@-example.com")]
    [DataRow("a@example..com")]
    [DataRow("a@example.com/x\u0007")]
    [DataRow("a@[::1")]
    [DataRow("a@[192.0.2.1]")]         // brackets only for IPv6
    public void FromXmpp_rejects_malformed(string jid)
    {
        Assert.IsFalse(XmppAddressMapping.TryFromXmpp(jid, out var a));
        Assert.IsNull(a);
    }

    [TestMethod]
    public void FromXmpp_enforces_1023_byte_parts()
    {
        var ok = new string('a', 1023);
        var tooLong = new string('a', 1024);
        var twoByteTooLong = new string('é', 512); // 1024 UTF-8 bytes
        Assert.IsTrue(XmppAddressMapping.TryFromXmpp(ok + "@example.com/" + ok, out _));
        Assert.IsFalse(XmppAddressMapping.TryFromXmpp(tooLong + "@example.com", out _));
        Assert.IsFalse(XmppAddressMapping.TryFromXmpp(twoByteTooLong + "@example.com", out _));
        Assert.IsFalse(XmppAddressMapping.TryFromXmpp("a@example.com/" + tooLong, out _));
    }

    [TestMethod]
    [DataRow(" leading")]
    [DataRow("trailing ")]
    [DataRow("tab\there")]
    [DataRow("nbsp\u00a0here")]
    [DataRow("")]
    public void ToXmpp_refuses_what_xep0106_cannot_express(string local)
    {
        var address = new ChatAddress(local, "example.com");
        Assert.IsFalse(XmppAddressMapping.TryToXmpp(address, out var jid));
        Assert.IsNull(jid);
        Assert.ThrowsExactly<ArgumentException>(() => XmppAddressMapping.ToXmpp(address));
    }

    [TestMethod]
    public void ToXmpp_refuses_an_escaped_local_over_1023_bytes()
    {
        // 300 apostrophes are 300 characters but 900 escaped bytes; 400 are 1200.
        Assert.IsTrue(XmppAddressMapping.TryToXmpp(new ChatAddress(new string('\'', 300), "example.com"), out _));
        Assert.IsFalse(XmppAddressMapping.TryToXmpp(new ChatAddress(new string('\'', 400), "example.com"), out _));
    }

    // Round trips through the wire form for many identities (lower-case: XMPP folds localpart case).
    [TestMethod]
    [DataRow("romeo", "example.net", "dr4hcr0st3lup4c")]
    [DataRow("juliet", "example.com", "yn0cl4bnw0yr3vym")]
    [DataRow("d'artagnan", "musketeers.lit", null)]
    [DataRow("user name", "b.test", "phone one")]
    [DataRow(@"back\slash", "b.test", null)]
    [DataRow(@"\27 literal", "b.test", null)]
    [DataRow(@"\5c\5c", "b.test", null)]
    [DataRow("a/b:c<d>e@f&g\"h'i", "b.test", "r/s@t")]
    [DataRow("tréville@musketeers.lit", "smtp.gascon.fr", null)]
    [DataRow("数据", "例子.测试", "资源")]
    [DataRow("emoji😀x", "b.test", null)]
    [DataRow(null, "b.test", null)]
    public void ToXmpp_then_FromXmpp_is_identity(string? local, string domain, string? resource)
    {
        var address = new ChatAddress(local, domain, resource);
        var jid = XmppAddressMapping.ToXmpp(address);
        Assert.IsTrue(XmppAddressMapping.TryFromXmpp(jid, out var back), jid);
        Assert.AreEqual(address, back);
    }
}

using Bridge.Net.Tls;

namespace Bridge.Tests.Net;

/// <summary>RFC 6125 §6 rules as RFC 6120 §13.7.2 (XMPP) and RFC 5922 §7 (SIP) apply them.</summary>
[TestClass]
public sealed class CertificateNameMatcherTests
{
    private static PresentedIdentifiers Dns(params string[] names) => new(names, [], [], [], null);

    [TestMethod]
    [DataRow("a.test", "a.test", true)]
    [DataRow("A.Test", "a.test", true)]
    [DataRow("a.test.", "a.test", true)]
    [DataRow("*.a.test", "conference.a.test", true)]
    [DataRow("*.a.test", "a.test", false)]              // the wildcard matches exactly one label
    [DataRow("*.a.test", "x.y.a.test", false)]
    [DataRow("conf.*.test", "conf.a.test", false)]      // only in the left-most label
    [DataRow("c*.a.test", "conference.a.test", false)]  // partial wildcards refused (RFC 6125 §7.2)
    [DataRow("*.test", "a.test", false)]                // no wildcard over a two-label name
    [DataRow("**.a.test", "x.a.test", false)]
    [DataRow("b.test", "a.test", false)]
    public void DnsIdMatching(string presented, string reference, bool expected) =>
        Assert.AreEqual(expected, CertificateNameMatcher.MatchesXmppDomain(Dns(presented), reference));

    [TestMethod]
    public void CommonNameIsIgnoredWhenTheCertificateHasSubjectAltNames()
    {
        var presented = new PresentedIdentifiers(["other.test"], [], [], [], "a.test");
        Assert.IsFalse(CertificateNameMatcher.MatchesXmppDomain(presented, "a.test"));
        Assert.IsFalse(CertificateNameMatcher.MatchesSipDomain(presented, "a.test"));
    }

    [TestMethod]
    public void CommonNameCountsOnlyWithoutSubjectAltNames()
    {
        var presented = new PresentedIdentifiers([], [], [], [], "a.test");
        Assert.IsTrue(CertificateNameMatcher.MatchesXmppDomain(presented, "a.test"));
    }

    [TestMethod]
    public void SrvIdAndXmppAddrMatchOnlyTheirOwnService()
    {
        Assert.IsTrue(CertificateNameMatcher.MatchesXmppDomain(new([], ["_xmpp-server.a.test"], [], [], null), "a.test"));
        Assert.IsFalse(CertificateNameMatcher.MatchesXmppDomain(new([], ["_xmpp-client.a.test"], [], [], null), "a.test"));
        Assert.IsTrue(CertificateNameMatcher.MatchesXmppDomain(new([], [], [], ["a.test"], null), "a.test"));
        Assert.IsFalse(CertificateNameMatcher.MatchesXmppDomain(new([], [], [], ["*.test"], null), "a.test"));
    }

    [TestMethod]
    public void SipUsesUriIdsAndExactDnsIds()
    {
        Assert.IsTrue(CertificateNameMatcher.MatchesSipDomain(new([], [], ["sip:b.test"], [], null), "b.test"));
        Assert.IsFalse(CertificateNameMatcher.MatchesSipDomain(new([], [], ["sip:bob@b.test"], [], null), "b.test"));
        Assert.IsTrue(CertificateNameMatcher.MatchesSipDomain(Dns("b.test"), "b.test"));
        // RFC 5922 §7.2: no wildcards for SIP domains.
        Assert.IsFalse(CertificateNameMatcher.MatchesSipDomain(Dns("*.test"), "b.test"));
        Assert.IsFalse(CertificateNameMatcher.MatchesSipDomain(Dns("*.b.test"), "x.b.test"));
    }

    [TestMethod]
    public void InternationalNamesCompareAsCaseFoldedALabels()
    {
        // "bücher.test" and its A-label; U-label upper case folds too.
        Assert.IsTrue(CertificateNameMatcher.MatchesXmppDomain(Dns("xn--bcher-kva.test"), "Bücher.test"));
        Assert.IsTrue(CertificateNameMatcher.MatchesXmppDomain(Dns("BÜCHER.test"), "xn--bcher-kva.test"));
        Assert.IsFalse(CertificateNameMatcher.MatchesXmppDomain(Dns("bucher.test"), "bücher.test"));
    }

    [TestMethod]
    public void IdentifiersAreReadFromARealCertificate()
    {
        using var cert = TestCertificates.Leaf("ignored.test", ["a.test", "*.a.test"], xmppAddr: "a.test", srvName: "_xmpp-server.a.test", uri: "sip:a.test");
        var presented = PresentedIdentifiers.From(cert);
        CollectionAssert.AreEqual(new[] { "a.test", "*.a.test" }, presented.DnsNames.ToArray());
        CollectionAssert.AreEqual(new[] { "_xmpp-server.a.test" }, presented.SrvNames.ToArray());
        CollectionAssert.AreEqual(new[] { "a.test" }, presented.XmppAddrs.ToArray());
        CollectionAssert.AreEqual(new[] { "sip:a.test" }, presented.Uris.ToArray());
        Assert.AreEqual("ignored.test", presented.CommonName);
        Assert.IsFalse(CertificateNameMatcher.MatchesXmppDomain(presented, "ignored.test"));
    }
}

using System.Security.Cryptography;
using Bridge.Net.Tls;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Net;

[TestClass]
public sealed class PeerCertificateValidatorTests
{
    private static PeerCertificateValidator WithCa(TimeProvider? time = null, Func<string, IReadOnlyCollection<string>>? pins = null) =>
        new(TestCertificates.Roots, pins ?? (_ => []), time ?? TimeProvider.System);

    [TestMethod]
    public void ACertificateFromTheConfiguredCaNamingTheDomainIsValid()
    {
        using var cert = TestCertificates.Leaf("a.test", ["a.test"]);
        Assert.IsTrue(WithCa().Check(cert, "a.test", PeerIdentityKind.XmppServer).IsValid);
    }

    [TestMethod]
    public void WrongNameIsInvalidAndSaysSo()
    {
        using var cert = TestCertificates.Leaf("c.test", ["c.test"]);
        var result = WithCa().Check(cert, "a.test", PeerIdentityKind.XmppServer);
        Assert.IsFalse(result.IsValid);
        StringAssert.Contains(result.Reason, "does not name a.test");
    }

    [TestMethod]
    public void ExpiryIsJudgedByTheInjectedClock()
    {
        using var cert = TestCertificates.Leaf("a.test", ["a.test"], notAfter: DateTimeOffset.UtcNow.AddDays(2));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Assert.IsTrue(WithCa(time).Check(cert, "a.test", PeerIdentityKind.XmppServer).IsValid);
        time.Advance(TimeSpan.FromDays(3));
        var result = WithCa(time).Check(cert, "a.test", PeerIdentityKind.XmppServer);
        Assert.IsFalse(result.IsValid);
        StringAssert.Contains(result.Reason, "not valid now");
    }

    [TestMethod]
    public void SelfSignedIsNotTrusted()
    {
        using var cert = TestCertificates.Leaf("a.test", ["a.test"], selfSigned: true);
        var result = WithCa().Check(cert, "a.test", PeerIdentityKind.XmppServer);
        Assert.IsFalse(result.IsValid);
        StringAssert.Contains(result.Reason, "not trusted");
    }

    [TestMethod]
    public void PinnedFingerprintsReplaceTheChainAndTheName()
    {
        using var cert = TestCertificates.Leaf("anything", ["elsewhere.test"], selfSigned: true);
        var pin = Convert.ToHexString(cert.GetCertHash(HashAlgorithmName.SHA256));
        var colonPin = string.Join(':', Enumerable.Range(0, pin.Length / 2).Select(i => pin.Substring(i * 2, 2)));
        var validator = WithCa(pins: d => d == "a.test" ? [colonPin] : []);
        Assert.IsTrue(validator.Check(cert, "a.test", PeerIdentityKind.XmppServer).IsValid);
        using var other = TestCertificates.Leaf("a.test", ["a.test"]);
        var refused = validator.Check(other, "a.test", PeerIdentityKind.XmppServer);
        Assert.IsFalse(refused.IsValid, "a pinned domain accepts only its pins, even from the trusted CA");
        StringAssert.Contains(refused.Reason, "not pinned");
    }

    [TestMethod]
    public void NoCertificateIsInvalid() =>
        Assert.IsFalse(WithCa().Check(null, "a.test", PeerIdentityKind.SipDomain).IsValid);
}

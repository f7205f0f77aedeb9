using Bridge.Xmpp.Dialback;

namespace Bridge.Tests.Xmpp;

[TestClass]
public sealed class DialbackKeyTests
{
    // XEP-0185 §3 example.
    [TestMethod]
    public void Xep0185ExampleKey()
    {
        var key = new DialbackKey("s3cr3tf0rd14lb4ck");
        Assert.AreEqual("37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643",
            key.Generate("xmpp.example.com", "example.org", "D60000229F"));
    }

    // XEP-0220 §2.1.1 (step 1) and §2.2.2 (step 2) examples.
    [TestMethod]
    [DataRow("s3cr3tf0rd14lb4ck", "montague.example", "capulet.example", "D60000229F", "b4835385f37fe2895af6c196b59097b16862406db80559900d96bf6fa7d23df3")]
    [DataRow("d14lb4ck43v3r", "capulet.example", "montague.example", "417GAF25", "225cc5aa6a071133249d25fef42ae516fc7a86c523aa1c6980a7f73e784c972d")]
    public void Xep0220ExampleKeys(string secret, string receiving, string originating, string id, string expected)
    {
        Assert.AreEqual(expected, new DialbackKey(secret).Generate(receiving, originating, id));
    }

    [TestMethod]
    public void VerifyAcceptsTheKeyWithWhitespaceAndUpperCase()
    {
        var key = new DialbackKey("s3cr3tf0rd14lb4ck");
        Assert.IsTrue(key.Verify("xmpp.example.com", "example.org", "D60000229F",
            "\n    37C69B1CF07A3F67C04A5EF5902FA5114F2C76FE4A2686482BA5B89323075643\n"));
    }

    [TestMethod]
    [DataRow("xmpp.example.com", "example.org", "D60000229E")]
    [DataRow("example.org", "xmpp.example.com", "D60000229F")]
    [DataRow("xmpp.example.com", "example.net", "D60000229F")]
    public void VerifyRejectsAKeyForOtherInputs(string receiving, string originating, string id)
    {
        var key = new DialbackKey("s3cr3tf0rd14lb4ck");
        Assert.IsFalse(key.Verify(receiving, originating, id, "37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643"));
    }

    [TestMethod]
    public void VerifyRejectsAnotherSecret()
    {
        Assert.IsFalse(new DialbackKey("other").Verify("xmpp.example.com", "example.org", "D60000229F",
            "37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643"));
    }
}

using Bridge.Xmpp.Component;

namespace Bridge.Tests.Xmpp.Component;

[TestClass]
public sealed class ComponentHandshakeTests
{
    [TestMethod]
    public void MatchesTheXep0114Example()
    {
        // XEP-0114 §3 Example 3: stream id 3BF96D32; the example's hash is that of the secret "test".
        Assert.AreEqual("aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e", ComponentHandshake.Compute("3BF96D32", "test"));
    }

    [TestMethod]
    public void HashesTheUtf8ConcatenationInLowercaseHex()
    {
        // SHA-1("idsécret") in UTF-8, computed independently (python3 hashlib).
        Assert.AreEqual("1ec1572bb01454c71a2613a8d5fee9138d6a78fb", ComponentHandshake.Compute("id", "sécret"));
    }
}

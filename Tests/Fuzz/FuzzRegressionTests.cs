using System.Buffers;
using System.Text;
using Bridge.Xmpp.Xml;

namespace Bridge.Tests.Fuzz;

/// <summary>Inputs the fuzzer found, each kept as a plain test named after it.</summary>
[TestClass]
public sealed class FuzzRegressionTests
{
    private const string Header =
        "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' to='b.test' version='1.0'>";

    [TestMethod]
    public void InvalidUtf8InAStanzaGivesTheSameErrorTextWhateverTheSegmentation()
    {
        // Fuzz xml seed=1 iteration=40: the error text carried the decoder's byte index, which is relative to the
        // buffer segment holding the bad byte, so the same stream got a different text when it arrived in pieces.
        var bytes = Encoding.UTF8.GetBytes(Header + "<message to='bob@b.test'><body>h\u00e9llo</body></message>");
        var bad = Array.IndexOf(bytes, (byte)0xC3);
        bytes[bad] = 0xF8;

        var whole = LastEvent(new ReadOnlySequence<byte>(bytes), 65536, 32);
        var segmented = LastEvent(FuzzSequences.Split(bytes, 0, bytes.Length, [bad - 3]), 65536, 32);

        Assert.AreEqual("error not-well-formed invalid UTF-8", whole);
        Assert.AreEqual(whole, segmented);
    }

    [TestMethod]
    public void EmptyElementOneLevelBelowMaxDepthIsPolicyViolation()
    {
        // Fuzz xml seed=1 iteration=4208: <x><x><x><x><y/></x></x></x></x> with MaxDepth 4 was accepted, because an
        // empty element never raised the depth that the limit is checked against.
        var atLimit = "<x><x><x><y/></x></x></x>";
        var overLimit = "<x><x><x><x><y/></x></x></x></x>";

        Assert.AreEqual("element", LastEvent(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Header + atLimit)), 65536, 4).Split(' ')[0]);
        Assert.AreEqual("error policy-violation", LastEvent(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Header + overLimit)), 65536, 4).Split(" elements")[0]);
    }

    private static string LastEvent(ReadOnlySequence<byte> buffer, int maxStanzaBytes, int maxDepth)
    {
        var reader = new XmlStreamReader(maxStanzaBytes, maxDepth);
        var last = "none";
        while (reader.TryRead(ref buffer, out var ev))
        {
            last = ev!.Kind switch
            {
                XmlStreamEventKind.Element => "element " + ev.Element!.Name.LocalName,
                XmlStreamEventKind.Error => $"error {ev.ErrorCondition} {ev.ErrorText}",
                _ => ev.Kind.ToString(),
            };
        }
        return last;
    }
}

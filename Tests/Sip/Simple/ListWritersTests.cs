using System.Collections.Immutable;
using System.Text;
using Bridge.Sip.Simple;

namespace Bridge.Tests.Sip.Simple;

/// <summary>RLMI and multipart/related as the bridge writes them read back with the parsers; RFC 4826 documents.</summary>
[TestClass]
public sealed class ListWritersTests
{
    [TestMethod]
    public void Rlmi_round_trips_through_writer_and_parser()
    {
        var document = new RlmiDocument("sip:support@a.test", 3, false,
            ImmutableDictionary<string, string>.Empty.Add("", "Support").Add("de", "Hilfe"),
            [
                new RlmiResource("sip:alice@a.test", ImmutableDictionary<string, string>.Empty, [new RlmiInstance("i1", "active", null, "c1@bridge")]),
                new RlmiResource("sip:carol@a.test", ImmutableDictionary<string, string>.Empty.Add("en", "Carol <C&D>"), [new RlmiInstance("i2", "terminated", "rejected", null)]),
            ]);

        Assert.IsTrue(RlmiParser.TryParse(RlmiWriter.Write(document), out var back, out var error), error);
        Assert.AreEqual(document.Uri, back!.Uri);
        Assert.AreEqual(3, back.Version);
        Assert.IsFalse(back.FullState);
        Assert.AreEqual("Hilfe", back.Names["de"]);
        Assert.AreEqual(document.Resources[0].Instances[0], back.Resources[0].Instances[0]);
        Assert.AreEqual(document.Resources[1].Instances[0], back.Resources[1].Instances[0]);
        Assert.AreEqual("Carol <C&D>", back.Resources[1].Names["en"], "text is escaped, not lost");
    }

    [TestMethod]
    public void Multipart_round_trips_with_root_first_and_binary_bodies()
    {
        var boundary = MultipartWriter.NewBoundary();
        Assert.IsTrue(boundary.Length is > 1 and <= 70);
        var body = MultipartWriter.Write(boundary, [("root@x", "application/rlmi+xml", "<list/>"u8.ToArray()), ("p@x", "application/pidf+xml", "a\r\n--not-a-boundary\r\nb"u8.ToArray())]);
        var contentType = MultipartWriter.ContentType("application/rlmi+xml", "root@x", boundary);

        Assert.AreEqual(boundary, MultipartParser.Boundary(contentType));
        Assert.AreEqual("<root@x>", MultipartParser.Parameter(contentType, "start"));
        Assert.IsTrue(MultipartParser.TryParse(body, boundary, out var parts, out var error), error);
        Assert.HasCount(2, parts);
        Assert.AreEqual("root@x", parts[0].ContentId);
        Assert.AreEqual("a\r\n--not-a-boundary\r\nb", Encoding.UTF8.GetString(parts[1].Body.Span));
        Assert.AreEqual("binary", parts[1].Headers["content-transfer-encoding"]);
    }

    [TestMethod]
    public void Resource_lists_give_named_lists_with_nested_entries_flattened()
    {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">
              <list name="buddies">
                <entry uri="xmpp:alice@a.test"><display-name>Alice</display-name></entry>
                <list name="work"><entry uri="sip:carol@a.test"/></list>
                <entry-ref ref="resource-lists/users/sip:bob@b.test/index/~~/resource-lists/list%5b@name=%22x%22%5d"/>
                <external anchor="http://xcap.example.com/resource-lists/users/sip:a@b/index"/>
              </list>
              <list><entry uri="sip:unnamed@a.test"/></list>
            </resource-lists>
            """;
        Assert.IsTrue(ResourceListsParser.TryParse(Encoding.UTF8.GetBytes(xml), out var lists, out var error), error);
        Assert.HasCount(1, lists, "nested lists fold into their parent; an unnamed list cannot be addressed");
        CollectionAssert.AreEqual(new[] { "xmpp:alice@a.test", "sip:carol@a.test" }, lists["buddies"].Select(e => e.Uri).ToArray());
        Assert.AreEqual("Alice", lists["buddies"][0].Names[""]);
    }

    [TestMethod]
    [DataRow("<resource-lists xmlns='urn:other'/>", "root")]
    [DataRow("<!DOCTYPE r [<!ENTITY e 'x'>]><resource-lists xmlns='urn:ietf:params:xml:ns:resource-lists'/>", "malformed")]
    public void Bad_resource_lists_are_refused(string xml, string reason)
    {
        Assert.IsFalse(ResourceListsParser.TryParse(Encoding.UTF8.GetBytes(xml), out _, out var error));
        Assert.Contains(reason, error!);
    }
}

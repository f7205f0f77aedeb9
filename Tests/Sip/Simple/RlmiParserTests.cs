using System.Text;
using Bridge.Sip.Simple;

namespace Bridge.Tests.Sip.Simple;

/// <summary>
/// A list NOTIFY body as RFC 4662 §5 describes it (multipart/related, RLMI root part, one PIDF part per
/// active instance, modelled on the RFC's example): the multipart split and the RLMI reading.
/// </summary>
[TestClass]
public sealed class RlmiParserTests
{
    private const string ContentType = "multipart/related;type=\"application/rlmi+xml\";start=\"<nXYxAE@pres.example.com>\";boundary=\"50UBfW7LSCVLtggUPe5z\"";

    private static readonly string Rlmi = """
        <?xml version="1.0" encoding="UTF-8"?>
        <list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:adam-friends@pres.example.com" version="1" fullState="true">
          <name xml:lang="en">Buddy List at COM</name>
          <name xml:lang="de">Liste der Freunde an COM</name>
          <resource uri="sip:bob@example.com">
            <name>Bob Smith</name>
            <instance id="juwigmtboe" state="active" cid="bUZBsM@pres.example.com"/>
          </resource>
          <resource uri="sip:dave@example.com">
            <name>Dave Jones</name>
            <instance id="hqzsuxtfyq" state="active" cid="ZvSvkz@pres.example.com"/>
          </resource>
          <resource uri="sip:ed@example.net">
            <name>Ed at NET</name>
            <instance id="atroflvnfy" state="terminated" reason="rejected"/>
          </resource>
          <resource uri="sip:adam-friends@example.org">
            <name xml:lang="en">My Friends at ORG</name>
          </resource>
        </list>
        """.Replace("\n", "\r\n", StringComparison.Ordinal);

    private static string Pidf(string entity, string basic) =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"{entity}\"><tuple id=\"t1\"><status><basic>{basic}</basic></status></tuple></presence>";

    private static readonly string Body = string.Join("\r\n",
        "preamble to be ignored",
        "--50UBfW7LSCVLtggUPe5z",
        "Content-Transfer-Encoding: binary",
        "Content-ID: <nXYxAE@pres.example.com>",
        "Content-Type: application/rlmi+xml;charset=\"UTF-8\"",
        "",
        Rlmi,
        "--50UBfW7LSCVLtggUPe5z",
        "Content-Transfer-Encoding: binary",
        "Content-ID: <bUZBsM@pres.example.com>",
        "Content-Type: application/pidf+xml;",
        "  charset=\"UTF-8\"",
        "",
        Pidf("sip:bob@example.com", "open"),
        "--50UBfW7LSCVLtggUPe5z",
        "Content-ID: <ZvSvkz@pres.example.com>",
        "Content-Type: application/pidf+xml",
        "",
        Pidf("sip:dave@example.com", "closed"),
        "--50UBfW7LSCVLtggUPe5z--",
        "epilogue");

    [TestMethod]
    public void The_content_type_gives_boundary_type_and_start()
    {
        Assert.AreEqual("50UBfW7LSCVLtggUPe5z", MultipartParser.Boundary(ContentType));
        Assert.AreEqual("application/rlmi+xml", MultipartParser.Parameter(ContentType, "type"));
        Assert.AreEqual("<nXYxAE@pres.example.com>", MultipartParser.Parameter(ContentType, "START"));
        Assert.IsNull(MultipartParser.Boundary("multipart/related;type=\"a;b\""), "a ';' inside quotes is not a parameter separator");
        Assert.IsNull(MultipartParser.Boundary("multipart/related;boundary=" + new string('x', 71)), "RFC 2046: at most 70 characters");
    }

    [TestMethod]
    public void The_body_splits_into_its_three_parts_with_headers_and_exact_content()
    {
        Assert.IsTrue(MultipartParser.TryParse(Encoding.UTF8.GetBytes(Body), "50UBfW7LSCVLtggUPe5z", out var parts, out var error), error);
        Assert.HasCount(3, parts);
        Assert.AreEqual("nXYxAE@pres.example.com", parts[0].ContentId);
        Assert.AreEqual("application/rlmi+xml", parts[0].MediaType);
        Assert.AreEqual(Rlmi, Encoding.UTF8.GetString(parts[0].Body.Span), "the CRLF before a delimiter belongs to the delimiter");
        Assert.AreEqual("application/pidf+xml", parts[1].MediaType, "folded header lines are unfolded");
        Assert.AreEqual("application/pidf+xml; charset=\"UTF-8\"", parts[1].Headers["content-type"]);
        Assert.AreEqual(Pidf("sip:dave@example.com", "closed"), Encoding.UTF8.GetString(parts[2].Body.Span));
        Assert.IsNull(parts[2].Headers.GetValueOrDefault("content-transfer-encoding"));
    }

    [TestMethod]
    public void The_rlmi_part_reads_list_resources_names_and_instances()
    {
        Assert.IsTrue(RlmiParser.TryParse(Encoding.UTF8.GetBytes(Rlmi), out var list, out var error), error);
        Assert.AreEqual("sip:adam-friends@pres.example.com", list!.Uri);
        Assert.AreEqual(1, list.Version);
        Assert.IsTrue(list.FullState);
        Assert.AreEqual("Liste der Freunde an COM", list.Names["de"]);
        Assert.HasCount(4, list.Resources);
        Assert.AreEqual("Bob Smith", list.Resources[0].Names[""]);
        Assert.AreEqual(new RlmiInstance("juwigmtboe", "active", null, "bUZBsM@pres.example.com"), list.Resources[0].Instances.Single());
        Assert.AreEqual(new RlmiInstance("atroflvnfy", "terminated", "rejected", null), list.Resources[2].Instances.Single());
        Assert.IsEmpty(list.Resources[3].Instances, "a member the server has no subscription to yet has no instance");
    }

    [TestMethod]
    public void A_partial_notification_is_told_apart()
    {
        var partial = "<list xmlns='urn:ietf:params:xml:ns:rlmi' uri='sip:l@b.test' version='7' fullState='false'><resource uri='sip:bob@b.test'><instance id='i' state='pending'/></resource></list>";
        Assert.IsTrue(RlmiParser.TryParse(Encoding.UTF8.GetBytes(partial), out var list, out _));
        Assert.IsFalse(list!.FullState);
        Assert.AreEqual(7, list.Version);
        Assert.AreEqual("pending", list.Resources.Single().Instances.Single().State);
    }

    [TestMethod]
    [DataRow("", "empty")]
    [DataRow("<list xmlns='urn:ietf:params:xml:ns:rlmi' uri='sip:l@b.test' fullState='true'/>", "version")]
    [DataRow("<list xmlns='urn:ietf:params:xml:ns:rlmi' uri='sip:l@b.test' version='1' fullState='maybe'/>", "fullState")]
    [DataRow("<list xmlns='urn:other' uri='sip:l@b.test' version='1' fullState='true'/>", "root")]
    [DataRow("<list xmlns='urn:ietf:params:xml:ns:rlmi' uri='sip:l@b.test' version='1' fullState='true'><resource/></list>", "without uri")]
    [DataRow("<list xmlns='urn:ietf:params:xml:ns:rlmi' uri='sip:l@b.test' version='1' fullState='true'><resource uri='sip:a@b'><instance id='i' state='asleep'/></resource></list>", "state")]
    [DataRow("<!DOCTYPE list [<!ENTITY a 'aaaa'>]><list xmlns='urn:ietf:params:xml:ns:rlmi' uri='&a;' version='1' fullState='true'/>", "malformed")]
    [DataRow("<list xmlns='urn:ietf:params:xml:ns:rlmi'", "malformed")]
    public void Bad_rlmi_is_refused_with_a_reason(string text, string reasonPart)
    {
        Assert.IsFalse(RlmiParser.TryParse(Encoding.UTF8.GetBytes(text), out var list, out var error));
        Assert.IsNull(list);
        Assert.Contains(reasonPart, error!);
    }

    [TestMethod]
    [DataRow("no boundary at all", "no opening boundary")]
    [DataRow("--b\r\nContent-Type: text/plain\r\n\r\nunterminated", "missing closing boundary")]
    [DataRow("--b\r\nnot a header\r\n\r\nx\r\n--b--", "malformed part header")]
    [DataRow("--b--", "without parts")]
    [DataRow("x--b\r\n\r\ny\r\n--b--", "without parts")] // a delimiter counts only at a line start: all of this is preamble
    public void Bad_multipart_is_refused_with_a_reason(string text, string reasonPart)
    {
        Assert.IsFalse(MultipartParser.TryParse(Encoding.UTF8.GetBytes(text), "b", out _, out var error));
        Assert.Contains(reasonPart, error!);
    }
}

using System.Text;
using Bridge.Sip;

namespace Bridge.Tests.Sip;

/// <summary>RFC 4475 §3.1.1: well-formed messages every parser must accept.</summary>
[TestClass]
public sealed class Rfc4475ValidMessageTests
{
    private static SipRequest Request(string name) => (SipRequest)SipVectors.ParseDatagram(name);

    [TestMethod]
    public void Wsinv_ShortTortuousInvite()
    {
        var m = Request("wsinv");
        Assert.AreEqual("INVITE", m.Method);
        Assert.IsTrue(SipUri.TryParse(m.RequestUri, out var ruri));
        Assert.AreEqual("vivekg", ruri.User);
        Assert.AreEqual("chair-dnrc.example.com", ruri.Host);
        Assert.IsTrue(ruri.Parameters.ContainsKey("unknownparam"));
        Assert.IsNull(ruri.Parameters["unknownparam"]);

        Assert.AreEqual("1918181833n", m.To!.Tag);
        Assert.AreEqual("sip:vivekg@chair-dnrc.example.com", m.To.Uri);
        Assert.AreEqual("J Rosenberg \\\"", m.From!.DisplayName);
        Assert.AreEqual("98asjd8", m.From.Tag);
        Assert.AreEqual("0068", m.Headers["Max-Forwards"]);
        Assert.AreEqual("wsinv.ndaksdj@192.0.2.1", m.CallId);
        Assert.AreEqual(9, m.CSeqNumber);
        Assert.AreEqual("INVITE", m.CSeqMethod);

        var vias = m.Headers.GetAllSplit("Via");
        Assert.HasCount(3, vias);
        var parsed = vias.Select(v => SipVia.TryParse(v, out var via) ? via : null).ToArray();
        Assert.AreEqual("UDP", parsed[0]!.Transport);
        Assert.AreEqual("192.0.2.2", parsed[0]!.Host);
        Assert.AreEqual("390skdjuw", parsed[0]!.Branch);
        Assert.AreEqual("TCP", parsed[1]!.Transport);
        Assert.AreEqual("spindle.example.com", parsed[1]!.Host);
        Assert.AreEqual("z9hG4bK9ikj8", parsed[1]!.Branch);
        Assert.AreEqual("192.168.255.111", parsed[2]!.Host);
        Assert.AreEqual("z9hG4bK30239", parsed[2]!.Branch);

        Assert.AreEqual(string.Empty, m.Headers["Subject"]);
        Assert.AreEqual("newfangled value continued newfangled value", m.Headers["newfangledheader"]);
        Assert.AreEqual(";;,,;;,;", m.Headers["UnknownHeaderWithUnusualValue"]);
        Assert.AreEqual("application/sdp", m.ContentType);
        Assert.AreEqual("<sip:services.example.com;lr;unknownwith=value;unknown-no-value>", m.Headers["Route"]);

        Assert.IsTrue(SipNameAddr.TryParse(m.Headers["Contact"]!, out var contact));
        Assert.AreEqual("Quoted string \"\"", contact.DisplayName);
        Assert.AreEqual("sip:jdrosen@example.com", contact.Uri);
        Assert.AreEqual("newvalue", contact.Parameters["newparam"]);
        Assert.IsTrue(contact.Parameters.ContainsKey("secondparam"));
        Assert.IsNull(contact.Parameters["secondparam"]);
        Assert.AreEqual("0.33", contact.Parameters["q"]);
        Assert.AreEqual(150, m.Body.Length);
        Assert.StartsWith("v=0\r\n", Encoding.ASCII.GetString(m.Body.Span));
    }

    [TestMethod]
    public void Intmeth_WideRangeOfValidCharacters()
    {
        var m = Request("intmeth");
        Assert.AreEqual("!interesting-Method0123456789_*+`.%indeed'~", m.Method);
        Assert.IsTrue(SipUri.TryParse(m.RequestUri, out var ruri));
        Assert.AreEqual("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", ruri.User);
        Assert.AreEqual("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", ruri.Password);
        Assert.AreEqual("example.com", ruri.Host);
        Assert.AreEqual("BEL:\u0007 NUL:\0 DEL:\u007F", m.To!.DisplayName);
        Assert.AreEqual("token1~` token2'+_ token3*%!.-", m.From!.DisplayName);
        Assert.AreEqual("_token~1'+`*%!-.", m.From.Tag);
        Assert.AreEqual("\"работающий\"", m.From.Parameters["fromParam''~+*_!.-%"]);
        Assert.AreEqual("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", m.CallId);
        Assert.AreEqual(139122385, m.CSeqNumber);
        Assert.AreEqual(m.Method, m.CSeqMethod);
        Assert.AreEqual("255", m.Headers["Max-Forwards"]);
        Assert.AreEqual("\uFEFF大停電", m.Headers["extensionHeader-!.%*+_`'~"]);
        Assert.AreEqual("z9hG4bK-.!%66*_+`'~", m.TopVia!.Branch);
        Assert.AreEqual(0, m.Body.Length);
    }

    [TestMethod]
    public void Esc01_ValidEscapes()
    {
        var m = Request("esc01");
        Assert.IsTrue(SipUri.TryParse(m.RequestUri, out var ruri));
        Assert.AreEqual("sips%3Auser%40example.com", ruri.User);
        Assert.AreEqual("sips:user@example.com", ruri.UserUnescaped);
        Assert.AreEqual("example.net", ruri.Host);
        Assert.AreEqual("user", m.To!.SipUri!.UserUnescaped);
        Assert.AreEqual("I have spaces", m.From!.SipUri!.UserUnescaped);
        Assert.AreEqual("938", m.From.Tag);
        Assert.AreEqual("esc01.239409asdfakjkn23onasd0-3234", m.CallId);
        Assert.AreEqual("application/sdp", m.ContentType);
        Assert.IsTrue(SipNameAddr.TryParse(m.Headers["Contact"]!, out var contact));
        var curi = contact.SipUri!;
        Assert.AreEqual("caller", curi.UserUnescaped);
        Assert.IsNull(curi.Parameters["%6C%72"]);
        // Not unescaped recursively: value%41 is not valueA (RFC 4475 §3.1.1.3).
        Assert.AreEqual("v%61lue%25%34%31", curi.Parameters["n%61me"]);
        Assert.AreEqual(150, m.Body.Length);
    }

    [TestMethod]
    public void Escnull_EscapedNullsInUris()
    {
        var m = Request("escnull");
        Assert.AreEqual("REGISTER", m.Method);
        Assert.AreEqual("null-\0-null", m.To!.SipUri!.UserUnescaped);
        Assert.AreEqual("839923423", m.From!.Tag);
        var contacts = m.Headers.GetAllSplit("Contact");
        Assert.HasCount(2, contacts);
        Assert.IsTrue(SipNameAddr.TryParse(contacts[0], out var c0));
        Assert.IsTrue(SipNameAddr.TryParse(contacts[1], out var c1));
        Assert.AreEqual("\0", c0.SipUri!.UserUnescaped);
        Assert.AreEqual("\0\0", c1.SipUri!.UserUnescaped);
        Assert.AreEqual("0", m.Headers["Content-Length"]);
    }

    [TestMethod]
    public void Esc02_PercentIsNotAlwaysAnEscape()
    {
        var m = Request("esc02");
        Assert.AreEqual("RE%47IST%45R", m.Method);
        Assert.AreEqual("RE%47IST%45R", m.CSeqMethod);
        Assert.AreEqual("%Z%45", m.To!.DisplayName);
        Assert.AreEqual("%Z%45", m.From!.DisplayName);
        Assert.AreEqual("z9hG4bK209%fzsnel234", m.TopVia!.Branch);
        var contacts = m.Headers.GetAllSplit("Contact");
        Assert.HasCount(2, contacts);
        Assert.AreEqual("<sip:alias1@host1.example.com>", contacts[0]);
        Assert.AreEqual("<sip:alias3@host3.example.com>", contacts[1]);
        Assert.AreEqual("<sip:alias2@host2.example.com>", m.Headers["C%6Fntact"]);
    }

    [TestMethod]
    public void Lwsdisp_NoLwsBetweenDisplayNameAndAngle()
    {
        var m = Request("lwsdisp");
        Assert.AreEqual("caller", m.From!.DisplayName);
        Assert.AreEqual("sip:caller@example.com", m.From.Uri);
        Assert.AreEqual("323", m.From.Tag);
    }

    [TestMethod]
    public void Longreq_LongValues()
    {
        var m = Request("longreq");
        Assert.AreEqual("I have a user name of " + string.Concat(Enumerable.Repeat("extreme", 10)) + " proportion", m.To!.DisplayName);
        var to = m.To.SipUri!;
        Assert.AreEqual(6000, to.Port);
        Assert.HasCount(3, to.Parameters);
        Assert.AreEqual("shortvalue", to.Parameters["longparam" + string.Concat(Enumerable.Repeat("name", 25))]);
        Assert.AreEqual("12" + string.Concat(Enumerable.Repeat("982", 50)) + "424", m.From!.Tag);
        Assert.HasCount(3, m.From.Parameters);
        var vias = m.Headers.GetAllSplit("Via");
        Assert.HasCount(34, vias);
        Assert.AreEqual("sip33.example.com", m.TopVia!.Host);
        Assert.IsTrue(SipVia.TryParse(vias[^1], out var last));
        Assert.AreEqual("192.0.2.5", last.Received);
        Assert.AreEqual(3882340, m.CSeqNumber);
        Assert.AreEqual(150, m.Body.Length);
    }

    [TestMethod]
    public void Dblreq_ExtraOctetsAfterDatagramBodyIgnored()
    {
        var m = Request("dblreq");
        Assert.AreEqual("REGISTER", m.Method);
        Assert.AreEqual("dblreq.0ha0isndaksdj99sdfafnl3lk233412", m.CallId);
        Assert.AreEqual(0, m.Body.Length);
    }

    [TestMethod]
    public void Semiuri_SemicolonInUserPart()
    {
        var m = Request("semiuri");
        Assert.IsTrue(SipUri.TryParse(m.RequestUri, out var ruri));
        Assert.AreEqual("user;par=u%40example.net", ruri.User);
        Assert.AreEqual("user;par=u@example.net", ruri.UserUnescaped);
        Assert.AreEqual("example.com", ruri.Host);
        Assert.HasCount(0, ruri.Parameters);
        Assert.HasCount(6, m.Headers.GetAllSplit("Accept"));
    }

    [TestMethod]
    public void Transports_VariedAndUnknownTransports()
    {
        var m = Request("transports");
        var transports = m.Headers.GetAllSplit("Via").Select(v => SipVia.TryParse(v, out var via) ? via.Transport : "?").ToArray();
        CollectionAssert.AreEqual(new[] { "UDP", "SCTP", "TLS", "UNKNOWN", "TCP" }, transports);
        Assert.AreEqual("transports.kijh4akdnaqjkwendsasfdj", m.CallId);
    }

    [TestMethod]
    public void Mpart01_BinaryMultipartBodyFramedByContentLength()
    {
        var m = Request("mpart01");
        Assert.AreEqual("MESSAGE", m.Method);
        Assert.AreEqual("multipart/mixed;boundary=7a9cbec02ceef655", m.ContentType);
        Assert.AreEqual(553, m.Body.Length);
        Assert.IsTrue(m.Body.Span.Contains((byte)0), "the binary part holds NUL octets");
        Assert.IsTrue(m.Body.Span.EndsWith("\r\n--7a9cbec02ceef655--\r\n"u8));
        var via = m.TopVia!;
        Assert.AreEqual(5070, via.Port);
        Assert.IsTrue(via.HasRport);
        Assert.IsNull(via.Parameters["rport"]);
    }

    [TestMethod]
    public void Unreason_Utf8ReasonPhrase()
    {
        var r = (SipResponse)SipVectors.ParseDatagram("unreason");
        Assert.AreEqual(200, r.StatusCode);
        Assert.AreEqual("= 2**3 * 5**2 но сто девяносто девять - простое", r.ReasonPhrase);
        Assert.AreEqual(154, r.Body.Length);
        Assert.AreEqual("2229", r.To!.Tag);
    }

    [TestMethod]
    public void Noreason_EmptyReasonPhrase()
    {
        var r = (SipResponse)SipVectors.ParseDatagram("noreason");
        Assert.AreEqual(100, r.StatusCode);
        Assert.AreEqual(string.Empty, r.ReasonPhrase);
        Assert.AreEqual("902jndnke3", r.To!.Tag);
    }
}

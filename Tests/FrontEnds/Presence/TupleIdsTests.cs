using Bridge.FrontEnds.Sip.Presence;

namespace Bridge.Tests.FrontEnds.Presence;

[TestClass]
public sealed class TupleIdsTests
{
    [TestMethod]
    [DataRow("balcony", "ID-balcony")]
    [DataRow("", "ID-")]
    [DataRow("1234", "ID-1234")]
    [DataRow("Gajim.PC-1", "ID-Gajim.PC-1")]
    [DataRow("home office", "ID-home_20office")]
    [DataRow("a_b", "ID-a_5Fb")]
    [DataRow("a/b@c", "ID-a_2Fb_40c")]
    [DataRow("café", "ID-caf_C3_A9")]
    public void ResourceToTupleIdAndBack(string resource, string tupleId)
    {
        Assert.AreEqual(tupleId, TupleIds.FromResource(resource));
        Assert.AreEqual(resource, TupleIds.ToResource(tupleId));
        // Every id written is an xs:ID (NCName).
        Assert.AreEqual(tupleId, System.Xml.XmlConvert.VerifyNCName(tupleId));
    }

    [TestMethod]
    [DataRow("0x7f3a1c")]       // Kamailio-style
    [DataRow("t4109")]          // baresip-style
    [DataRow("ID-a_ZZ")]        // not a valid escape
    [DataRow("ID-a_2")]         // truncated escape
    [DataRow("ID-a b")]         // a character the bridge would have escaped
    [DataRow("ID-_C3")]         // escapes that are not UTF-8
    public void ForeignTupleIdsAreTakenAsTheResource(string tupleId)
    {
        Assert.AreEqual(tupleId, TupleIds.ToResource(tupleId));
    }
}

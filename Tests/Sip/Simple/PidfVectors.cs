namespace Bridge.Tests.Sip.Simple;

/// <summary>
/// PIDF documents for the parser tests. None of these was copied from a stored RFC or a packet capture:
/// the RFC texts were not reachable past their front pages, so each is written by hand from our
/// memory of the source named on it.
/// </summary>
internal static class PidfVectors
{
    /// <summary>RFC 3863 §3.4-style minimal document with a prefixed namespace (hand-written from memory).</summary>
    public const string Rfc3863Minimal = """
        <?xml version="1.0" encoding="UTF-8"?>
        <impp:presence xmlns:impp="urn:ietf:params:xml:ns:pidf" entity="pres:someone@example.com">
          <impp:tuple id="sg89ae">
            <impp:status>
              <impp:basic>open</impp:basic>
            </impp:status>
            <impp:contact priority="0.8">tel:+09012345678</impp:contact>
          </impp:tuple>
        </impp:presence>
        """;

    /// <summary>RFC 3863 §3.4-style document with notes in two languages and unknown extensions (hand-written from memory).</summary>
    public const string Rfc3863Extended = """
        <?xml version="1.0" encoding="UTF-8"?>
        <presence xmlns="urn:ietf:params:xml:ns:pidf"
            xmlns:im="urn:ietf:params:xml:ns:pidf:im"
            xmlns:myex="http://id.example.com/presence/"
            entity="pres:someone@example.com">
          <tuple id="bs35r9">
            <status>
              <basic>open</basic>
              <im:im>busy</im:im>
              <myex:location>home</myex:location>
            </status>
            <contact priority="0.8">im:someone@mobilecarrier.net</contact>
            <note xml:lang="en">Don't Disturb Please!</note>
            <note xml:lang="fr">Ne dérangez pas, s'il vous plaît</note>
            <timestamp>2001-10-27T16:49:29Z</timestamp>
          </tuple>
          <tuple id="eg92n8">
            <status>
              <basic>open</basic>
            </status>
            <contact priority="1.0">mailto:someone@example.com</contact>
          </tuple>
          <note>I'll be in Tokyo next week</note>
        </presence>
        """;

    /// <summary>RFC 4480 §4-style example: devices, a person with activities, moods and other RPID elements (hand-written from memory, abridged).</summary>
    public const string Rfc4480 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <presence xmlns="urn:ietf:params:xml:ns:pidf"
             xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
             xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"
             entity="pres:someone@example.com">
          <tuple id="bs35r9">
            <status><basic>open</basic></status>
            <dm:deviceID>urn:device:0003ba4811e3</dm:deviceID>
            <rpid:relationship><rpid:self/></rpid:relationship>
            <rpid:service-class><rpid:electronic/></rpid:service-class>
            <contact priority="0.8">im:someone@mobilecarrier.net</contact>
            <note xml:lang="en">Don't Disturb Please!</note>
            <note xml:lang="fr">Ne dérangez pas, s'il vous plaît</note>
            <timestamp>2005-10-27T16:49:29Z</timestamp>
          </tuple>
          <tuple id="ty4658">
            <status><basic>open</basic></status>
            <rpid:relationship><rpid:assistant/></rpid:relationship>
            <contact priority="1.0">mailto:secretary@example.com</contact>
          </tuple>
          <note>I'll be in Tokyo next week</note>
          <dm:device id="pc147">
            <rpid:user-input idle-threshold="600" last-input="2004-10-21T13:20:00.000-05:00">idle</rpid:user-input>
            <dm:deviceID>urn:device:0003ba4811e3</dm:deviceID>
            <dm:note xml:lang="en">PC</dm:note>
          </dm:device>
          <dm:person id="p1">
            <rpid:activities from="2005-05-30T12:00:00+05:00" until="2005-05-30T17:00:00+05:00">
              <rpid:note>Far away</rpid:note>
              <rpid:away/>
            </rpid:activities>
            <rpid:class>calendar</rpid:class>
            <rpid:mood><rpid:angry/><rpid:other>brooding</rpid:other></rpid:mood>
            <rpid:sphere>bowling league</rpid:sphere>
            <rpid:time-offset>-240</rpid:time-offset>
            <dm:note>Scoring 120</dm:note>
            <dm:timestamp>2005-05-30T16:09:44+05:00</dm:timestamp>
          </dm:person>
        </presence>
        """;

    /// <summary>
    /// The shape baresip's presence module PUBLISHes when set to busy (hand-written from memory, not a capture):
    /// person before tuple (out of PIDF schema order), no notes, contact without priority.
    /// </summary>
    public const string BaresipBusy = """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <presence xmlns="urn:ietf:params:xml:ns:pidf"
         xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
         xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"
         entity="sip:alice@sip.test">
         <dm:person id="p4159"><rpid:activities><rpid:busy/></rpid:activities></dm:person>
         <tuple id="t4109"><status><basic>open</basic></status><contact>sip:alice@sip.test</contact></tuple>
        </presence>
        """;

    /// <summary>baresip when going offline (hand-written from memory): a bare closed tuple.</summary>
    public const string BaresipClosed = """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@sip.test">
         <tuple id="t4109"><status><basic>closed</basic></status><contact>sip:alice@sip.test</contact></tuple>
        </presence>
        """;

    /// <summary>
    /// What Kamailio's presence_xml hands watchers after composing two PUBLISHes (hand-written from memory):
    /// the tuples of both, then both persons; tuple ids like "0x..." are not NCNames.
    /// </summary>
    public const string KamailioAggregated = """
        <?xml version="1.0"?>
        <presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:bob@sip.test">
        <tuple id="0x7f3a1c"><status><basic>open</basic></status><contact priority="0.5">sip:bob@10.0.0.5:5060</contact><note>On the phone</note></tuple>
        <tuple id="a2b4c6"><status><basic>closed</basic></status><contact>sip:bob@10.0.0.6:5060</contact></tuple>
        <dm:person id="p1"><rpid:activities><rpid:on-the-phone/></rpid:activities><dm:note>Call me later</dm:note></dm:person>
        <dm:person id="p2"><rpid:activities><rpid:other>gardening</rpid:other></rpid:activities></dm:person>
        </presence>
        """;
}

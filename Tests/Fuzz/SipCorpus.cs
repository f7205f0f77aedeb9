using System.Text;

namespace Bridge.Tests.Fuzz;

/// <summary>SIP seeds: every RFC 4475 vector (valid and invalid) plus typical page-mode traffic of the bridge.</summary>
internal static class SipCorpus
{
    private const string Message =
        "MESSAGE sip:alice@a.test SIP/2.0\r\n"
        + "Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK776asdhds;rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: \"Bob\" <sip:bob@b.test>;tag=49583\r\n"
        + "To: <sip:alice@a.test>\r\n"
        + "Call-ID: asd88asd77a@192.0.2.4\r\n"
        + "CSeq: 1 MESSAGE\r\n"
        + "Subject: Hi\r\n"
        + "Content-Language: fr\r\n"
        + "Content-Type: text/plain;charset=UTF-8\r\n"
        + "Content-Length: 12\r\n"
        + "\r\n"
        + "Salut \u00e0 toi";

    private const string Register =
        "REGISTER sip:b.test SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKnashds7\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: Bob <sip:bob@b.test>\r\n"
        + "From: Bob <sip:bob@b.test>;tag=456248\r\n"
        + "Call-ID: 843817637684230@998sdasdh09\r\n"
        + "CSeq: 1826 REGISTER\r\n"
        + "Contact: <sip:bob@192.0.2.9>;expires=7200, <sip:bob@[2001:db8::9]:5070;transport=tcp>;q=0.5\r\n"
        + "Expires: 7200\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n";

    private const string Subscribe =
        "SUBSCRIBE sips:%61lice@a.test;transport=tls SIP/2.0\r\n"
        + "v: SIP/2.0/TLS 198.51.100.1:5061;branch=z9hG4bKa1;received=203.0.113.7, SIP/2.0/UDP h.b.test;branch=z9hG4bKa0\r\n"
        + "Max-Forwards: 69\r\n"
        + "f: <sips:bob@b.test>;tag=ffd2\r\n"
        + "t: \"Alice \\\"A\\\"\" <sips:alice@a.test>\r\n"
        + "i: 12345601@b.test\r\n"
        + "CSeq: 1 SUBSCRIBE\r\n"
        + "Event: presence\r\n"
        + "Accept: application/pidf+xml\r\n"
        + "m: <sips:bob@b.test:5061>\r\n"
        + "Expires: 3600\r\n"
        + "l: 0\r\n"
        + "\r\n";

    private const string Ok =
        "SIP/2.0 200 OK\r\n"
        + "Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK776asdhds;received=192.0.2.4\r\n"
        + "From: \"Bob\" <sip:bob@b.test>;tag=49583\r\n"
        + "To: <sip:alice@a.test>;tag=a6c85cf\r\n"
        + "Call-ID: asd88asd77a@192.0.2.4\r\n"
        + "CSeq: 1 MESSAGE\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n";

    private const string NotFound =
        "SIP/2.0 404 Not Found\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKnashds7\r\n"
        + "From: Bob <sip:bob@b.test>;tag=456248\r\n"
        + "To: <sip:carol@a.test>;tag=x1\r\n"
        + "Call-ID: 843817637684230@998sdasdh09\r\n"
        + "CSeq: 2 MESSAGE\r\n"
        + "Warning: 399 bridge \"No such user\"\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n";

    private const string Notify =
        "NOTIFY sip:bob@192.0.2.9 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP a.test;branch=z9hG4bKn1\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@a.test>;tag=n1\r\n"
        + "To: <sip:bob@b.test>;tag=ffd2\r\n"
        + "Call-ID: 12345601@b.test\r\n"
        + "CSeq: 7 NOTIFY\r\n"
        + "Event: presence\r\n"
        + "Subscription-State: active;expires=3599\r\n"
        + "Content-Type: application/pidf+xml\r\n"
        + "Content-Length: 51\r\n"
        + "\r\n"
        + "<presence entity='pres:alice@a.test'><tuple/></pre";

    /// <summary>Loads the RFC 4475 vectors copied next to the assembly (Sip/Vectors/*.dat) and adds the typical messages.</summary>
    public static IReadOnlyList<byte[]> Load()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Sip", "Vectors");
        var vectors = Directory.GetFiles(directory, "*.dat").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        if (vectors.Count < 30)
        {
            throw new InvalidOperationException($"expected the RFC 4475 vectors in {directory}, found {vectors.Count}");
        }
        string[] typical = [Message, Register, Subscribe, Ok, NotFound, Notify, "\r\n\r\n" + Ok + Message, Message + Register];
        return [.. vectors, .. typical.Select(Encoding.UTF8.GetBytes)];
    }
}

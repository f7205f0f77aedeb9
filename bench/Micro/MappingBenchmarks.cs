using BenchmarkDotNet.Attributes;
using Bridge.Mapping.Addresses;

namespace Bridge.Micro;

/// <summary>RFC 7247 address mapping, each way and round trip, for the bench's addresses.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class MappingBenchmarks
{
    [Benchmark]
    public string? XmppToSipRoundTrip()
    {
        XmppAddressMapping.TryFromXmpp("alice@a.test/bench", out var address);
        var sip = SipAddressMapping.ToSip(address!);
        SipAddressMapping.TryFromSip(sip, out var back);
        return XmppAddressMapping.TryToXmpp(back!, out var jid) ? jid : null;
    }

    [Benchmark]
    public ChatAddress? FromXmpp() => XmppAddressMapping.TryFromXmpp("alice@a.test/bench", out var a) ? a : null;

    [Benchmark]
    public ChatAddress? FromSip() => SipAddressMapping.TryFromSip("sip:bob@b.test", out var a) ? a : null;
}

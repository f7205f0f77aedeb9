using BenchmarkDotNet.Attributes;
using Bridge.Sip;

namespace Bridge.Micro;

/// <summary>The random identifiers each XMPP->SIP message needs (From-tag, Call-ID, branch), and a SIP->XMPP stanza id.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class IdBenchmarks
{
    [Benchmark]
    public int TagCallIdBranch() => SipStack.NewTag().Length + SipStack.NewCallId("a.test").Length + SipStack.NewBranch().Length;

    /// <summary>32 hex characters, what SipFrontEnd used Guid.NewGuid().ToString("N") for.</summary>
    [Benchmark]
    public string GuidN() => Guid.NewGuid().ToString("N");

    /// <summary>What SipFrontEnd uses instead (same length and alphabet).</summary>
    [Benchmark]
    public string StanzaId() => SipRandom.Hex(16);
}

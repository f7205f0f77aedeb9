using BenchmarkDotNet.Attributes;
using Bridge.FrontEnds.Xmpp;
using Bridge.Mapping.Addresses;

namespace Bridge.Micro;

/// <summary>
/// The XMPP front end records every SIP->XMPP message in <see cref="SentMessageLedger"/> (10 min, 200k entries,
/// as XmppFrontEnd sets it up). Measured empty-ish (record + take) and full (what a long max-rate run reaches).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class LedgerBenchmarks
{
    private const int Capacity = 200_000;
    private SentMessageLedger _full = null!;
    private SentMessageLedger _steady = null!;
    private ChatAddress _from = null!;
    private ChatAddress _to = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        XmppAddressMapping.TryFromXmpp("alice@a.test/bench", out var from);
        XmppAddressMapping.TryFromXmpp("bob@b.test", out var to);
        _from = from!;
        _to = to!;
        _full = new SentMessageLedger(TimeProvider.System, TimeSpan.FromMinutes(10), Capacity);
        for (var i = 0; i < Capacity; i++)
        {
            _full.Record("f" + i, _from, _to);
        }
        _steady = new SentMessageLedger(TimeProvider.System, TimeSpan.FromMinutes(10), Capacity);
        for (var i = 0; i < 1000; i++)
        {
            _steady.Record("s" + i, _from, _to);
        }
    }

    /// <summary>One more message into a full ledger (it is not recorded; the cost is finding that out).</summary>
    [Benchmark]
    public int RecordWhenFull()
    {
        _full.Record("x", _from, _to);
        return _full.Count;
    }

    /// <summary>Record then take (a bounce), with 1000 entries held.</summary>
    [Benchmark]
    public bool RecordAndTake()
    {
        var id = "t" + (_next++ & 1023);
        _steady.Record(id, _from, _to);
        return _steady.TryTake(id, "b.test", out _, out _);
    }
}

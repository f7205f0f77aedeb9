using System.Buffers;
using System.Xml.Linq;
using BenchmarkDotNet.Attributes;
using Bridge.FrontEnds.Sip;
using Bridge.FrontEnds.Xmpp;
using Bridge.Sip;
using Bridge.Xmpp.Xml;

namespace Bridge.Micro;

/// <summary>
/// The per-message work of each direction without I/O, transactions or routing: wire bytes in, wire bytes out.
/// The allocation column is the allocations per message of these stages.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TranslationBenchmarks
{
    private readonly SipParserLimits _limits = new();
    private XmlStreamReader _reader = null!;
    private readonly ArrayBufferWriter<byte> _output = new(1024);

    [GlobalSetup]
    public void Setup()
    {
        _reader = new XmlStreamReader(262144, 32);
        var header = new ReadOnlySequence<byte>(Samples.StreamHeader);
        _reader.TryRead(ref header, out _);
    }

    /// <summary>SIP datagram -> parse -> canonical -> stanza -> bytes, as the bridge did before the issue-5 changes.</summary>
    [Benchmark]
    public byte[] SipToXmppMessage()
    {
        SipParser.ParseDatagram(new ReadOnlySequence<byte>(Samples.SipMessage), _limits, out var message, out _);
        var translation = SipMessageTranslator.FromSip((SipRequest)message!, Guid.NewGuid().ToString("N"));
        XmppMessageTranslator.TryToXmpp(translation.Message!, out var stanza);
        return System.Text.Encoding.UTF8.GetBytes(stanza!.ToString(SaveOptions.DisableFormatting | SaveOptions.OmitDuplicateNamespaces));
    }

    /// <summary>The same as the bridge does it now: SipRandom stanza id, StanzaSerializer into a reused buffer.</summary>
    [Benchmark]
    public int SipToXmppMessageNow()
    {
        SipParser.ParseDatagram(new ReadOnlySequence<byte>(Samples.SipMessage), _limits, out var message, out _);
        var translation = SipMessageTranslator.FromSip((SipRequest)message!, SipRandom.Hex(16));
        XmppMessageTranslator.TryToXmpp(translation.Message!, out var stanza);
        _output.ResetWrittenCount();
        StanzaSerializer.Write(stanza!, _output);
        return _output.WrittenCount;
    }

    /// <summary>Stanza bytes -> parse -> canonical -> SIP request -> bytes.</summary>
    [Benchmark]
    public byte[] XmppToSipMessage()
    {
        var buffer = new ReadOnlySequence<byte>(Samples.MessageStanza);
        _reader.TryRead(ref buffer, out var ev);
        var translation = XmppMessageTranslator.FromXmpp(ev!.Element!);
        var request = SipMessageTranslator.ToSip(translation.Message!);
        request.Headers.InsertFirst("Via", "SIP/2.0/UDP 127.0.0.20:5060;branch=" + SipStack.NewBranch() + ";rport");
        return SipSerializer.ToBytes(request);
    }
}

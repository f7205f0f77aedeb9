using System.Buffers;
using System.Xml.Linq;
using BenchmarkDotNet.Attributes;
using Bridge.Xmpp.Xml;

namespace Bridge.Micro;

/// <summary>One message stanza through <see cref="XmlStreamReader"/>, on a stream whose header was read once.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class XmlBenchmarks
{
    private XmlStreamReader _reader = null!;
    private XElement _stanza = null!;
    private readonly ArrayBufferWriter<byte> _output = new(1024);

    [GlobalSetup]
    public void Setup()
    {
        _reader = new XmlStreamReader(262144, 32);
        var header = new ReadOnlySequence<byte>(Samples.StreamHeader);
        if (!_reader.TryRead(ref header, out var ev) || ev!.Kind != XmlStreamEventKind.StreamStart)
        {
            throw new InvalidOperationException("header not read");
        }
        _stanza = ParseStanza() ?? throw new InvalidOperationException("stanza not read");
    }

    [Benchmark]
    public XElement? ParseStanza()
    {
        var buffer = new ReadOnlySequence<byte>(Samples.MessageStanza);
        return _reader.TryRead(ref buffer, out var ev) ? ev!.Element : null;
    }

    /// <summary>What XmppChannel.SendAsync does before writing (string, then UTF-8 bytes).</summary>
    [Benchmark]
    public byte[] SerializeStanza() =>
        System.Text.Encoding.UTF8.GetBytes(_stanza.ToString(SaveOptions.DisableFormatting | SaveOptions.OmitDuplicateNamespaces));

    /// <summary>What XmppChannel.SendAsync does now: UTF-8 straight into its pooled staging buffer.</summary>
    [Benchmark]
    public int SerializeStanzaToBufferWriter()
    {
        _output.ResetWrittenCount();
        StanzaSerializer.Write(_stanza, _output);
        return _output.WrittenCount;
    }
}

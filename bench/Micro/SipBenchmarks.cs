using System.Buffers;
using BenchmarkDotNet.Attributes;
using Bridge.Sip;

namespace Bridge.Micro;

/// <summary>SIP parse and serialize of a typical MESSAGE (the one the macro bench sends).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SipBenchmarks
{
    private readonly SipParserLimits _limits = new();
    private SipMessage _parsed = null!;
    private readonly ArrayBufferWriter<byte> _output = new(1024);

    [GlobalSetup]
    public void Setup()
    {
        if (SipParser.ParseDatagram(new ReadOnlySequence<byte>(Samples.SipMessage), _limits, out var message, out var error) != SipParseStatus.Complete)
        {
            throw new InvalidOperationException("sample does not parse: " + error);
        }
        _parsed = message!;
    }

    [Benchmark]
    public SipMessage? ParseMessage()
    {
        SipParser.ParseDatagram(new ReadOnlySequence<byte>(Samples.SipMessage), _limits, out var message, out _);
        return message;
    }

    [Benchmark]
    public byte[] SerializeMessage() => SipSerializer.ToBytes(_parsed);

    [Benchmark]
    public int SerializeMessageToBufferWriter()
    {
        _output.ResetWrittenCount();
        SipSerializer.Write(_parsed, _output);
        return _output.WrittenCount;
    }
}

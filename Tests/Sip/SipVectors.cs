using System.Buffers;
using Bridge.Sip;

namespace Bridge.Tests.Sip;

/// <summary>RFC 4475 messages stored byte-exact (CRLF) in Vectors/*.dat; generate_vectors.py documents the transcription.</summary>
internal static class SipVectors
{
    public static readonly string[] Valid =
        ["wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "dblreq", "semiuri", "transports", "mpart01", "unreason", "noreason"];

    public static byte[] Load(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Sip", "Vectors", name + ".dat"));

    public static SipMessage ParseDatagram(string name)
    {
        var status = SipParser.ParseDatagram(new ReadOnlySequence<byte>(Load(name)), new SipParserLimits(), out var message, out var error);
        Assert.AreEqual(SipParseStatus.Complete, status, $"{name}: {error}");
        Assert.IsNotNull(message);
        return message;
    }

    public static SipParseStatus ParseStream(ReadOnlySequence<byte> data, out SipMessage? message, out string? error, out long consumed)
    {
        var reader = new SequenceReader<byte>(data);
        var status = SipParser.TryParse(ref reader, new SipParserLimits(), out message, out error);
        consumed = reader.Consumed;
        return status;
    }

    /// <summary>A sequence made of several segments, to exercise parsing across segment borders.</summary>
    public static ReadOnlySequence<byte> Segmented(params byte[][] parts)
    {
        var nonEmpty = parts.Where(p => p.Length > 0).ToArray();
        if (nonEmpty.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(nonEmpty[0], 0);
        var last = first;
        foreach (var p in nonEmpty.Skip(1))
        {
            last = last.Append(p);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

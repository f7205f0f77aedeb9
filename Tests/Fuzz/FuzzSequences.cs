using System.Buffers;

namespace Bridge.Tests.Fuzz;

/// <summary>Builds the buffers the parsers see: one segment, or the same bytes cut into several segments at random points.</summary>
internal static class FuzzSequences
{
    public static ReadOnlySequence<byte> Slice(byte[] data, int start, int end, Random? rng)
    {
        var length = end - start;
        if (rng is null || length < 2 || rng.Next(2) == 0)
        {
            return new ReadOnlySequence<byte>(data, start, length);
        }
        var cuts = new SortedSet<int>();
        var wanted = 1 + rng.Next(Math.Min(6, length - 1));
        while (cuts.Count < wanted)
        {
            cuts.Add(start + 1 + rng.Next(length - 1));
        }
        return Split(data, start, end, cuts);
    }

    /// <summary>data[start..end] as one segment per piece between the (increasing) cut positions.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, int start, int end, IEnumerable<int> cuts)
    {
        Segment? first = null;
        Segment? last = null;
        var from = start;
        foreach (var cut in cuts.Append(end))
        {
            var memory = new ReadOnlyMemory<byte>(data, from, cut - from);
            last = last is null ? (first = new Segment(memory, 0)) : last.Append(memory);
            from = cut;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    /// <summary>Increasing chunk ends, the last one being <paramref name="length"/>: how the bytes arrive from the network.</summary>
    public static int[] ChunkEnds(int length, Random rng)
    {
        if (length == 0)
        {
            return [0];
        }
        var mode = rng.Next(4);
        if (mode == 0 && length <= 2048)
        {
            return Enumerable.Range(1, length).ToArray();
        }
        var count = mode == 1 ? 1 + rng.Next(64) : 1 + rng.Next(8);
        var ends = new SortedSet<int> { length };
        for (var i = 0; i < count; i++)
        {
            ends.Add(1 + rng.Next(length));
        }
        return [.. ends];
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

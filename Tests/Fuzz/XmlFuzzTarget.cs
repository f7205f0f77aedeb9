using System.Buffers;
using System.Xml.Linq;
using Bridge.FrontEnds.Xmpp;
using Bridge.Mapping.Addresses;
using Bridge.Xmpp.Xml;

namespace Bridge.Tests.Fuzz;

/// <summary>
/// Properties of <see cref="XmlStreamReader"/> on any bytes: every event is a declared kind, nothing follows
/// the end or an error, no stanza is accepted over MaxStanzaBytes or nested deeper than MaxDepth, the events do
/// not depend on how the bytes arrive (whole, random chunks, several segments), and a reader after
/// <see cref="XmlStreamReader.Reset"/> behaves like a new one. Accepted message stanzas go through the
/// translator and the address mapping, which must not throw.
/// </summary>
internal sealed class XmlFuzzTarget : IFuzzTarget
{
    public XmlFuzzTarget(IReadOnlyList<byte[]> corpus) => Corpus = corpus;

    public string Name => "xml";

    public FuzzDialect Dialect => FuzzDialect.Xml;

    public IReadOnlyList<byte[]> Corpus { get; }

    public void Check(byte[] input, Random rng)
    {
        var maxStanza = rng.Next(3) == 0 ? 512 : 65536;
        var maxDepth = rng.Next(3) == 0 ? 4 : 32;
        var reader = new XmlStreamReader(maxStanza, maxDepth);
        var whole = Read(reader, input, [input.Length], null, maxStanza, maxDepth);
        var split = Read(new XmlStreamReader(maxStanza, maxDepth), input, FuzzSequences.ChunkEnds(input.Length, rng), rng, maxStanza, maxDepth);
        if (!whole.SequenceEqual(split))
        {
            throw new FuzzPropertyException($"events differ when split:\n whole: {string.Join(" | ", whole)}\n split: {string.Join(" | ", split)}");
        }
        if (rng.Next(4) == 0)
        {
            reader.Reset();
            var again = Read(reader, input, [input.Length], null, maxStanza, maxDepth);
            FuzzPropertyException.Require(whole.SequenceEqual(again), $"events differ after Reset:\n first: {string.Join(" | ", whole)}\n again: {string.Join(" | ", again)}");
        }
    }

    private static List<string> Read(XmlStreamReader reader, byte[] input, int[] chunkEnds, Random? rng, int maxStanza, int maxDepth)
    {
        var events = new List<string>();
        var finished = false;
        var start = 0;
        foreach (var end in chunkEnds)
        {
            var buffer = FuzzSequences.Slice(input, start, end, rng);
            while (true)
            {
                var before = (int)buffer.Length;
                if (!reader.TryRead(ref buffer, out var ev))
                {
                    FuzzPropertyException.Require(ev is null, "TryRead returned false with an event");
                    FuzzPropertyException.Require(buffer.Length <= before, "TryRead grew the buffer");
                    start = end - (int)buffer.Length;
                    break;
                }
                FuzzPropertyException.Require(ev is not null, "TryRead returned true without an event");
                FuzzPropertyException.Require(!finished, $"event {ev!.Kind} after the end of the stream or an error");
                FuzzPropertyException.Require(events.Count <= input.Length + 1, "more events than input bytes");
                var frame = input.AsSpan(end - before, before - (int)buffer.Length);
                events.Add(Describe(ev, frame, maxStanza, maxDepth));
                finished = ev.Kind is XmlStreamEventKind.StreamEnd or XmlStreamEventKind.Error;
            }
        }
        return events;
    }

    private static string Describe(XmlStreamEvent ev, ReadOnlySpan<byte> consumed, int maxStanza, int maxDepth)
    {
        FuzzPropertyException.Require(Enum.IsDefined(ev.Kind), $"event kind {(int)ev.Kind} is not an XmlStreamEventKind");
        switch (ev.Kind)
        {
            case XmlStreamEventKind.StreamStart:
                var header = ev.Header ?? throw new FuzzPropertyException("StreamStart without a header");
                var attributes = string.Join(",", header.Attributes.Select(a => $"{a.Key}={a.Value}").Order(StringComparer.Ordinal));
                var declarations = string.Join(",", header.NamespaceDeclarations.Select(a => $"{a.Key}={a.Value}").Order(StringComparer.Ordinal));
                _ = header.IsVersion1OrLater;
                return $"start {header.Name} [{attributes}] [{declarations}] {header.DefaultNamespace}";
            case XmlStreamEventKind.Element:
                var element = ev.Element ?? throw new FuzzPropertyException("Element event without an element");
                // Only whitespace can precede a stanza inside the stream, so the frame is what follows it.
                var frame = consumed[Math.Max(0, consumed.IndexOfAnyExcept(" \t\r\n"u8))..];
                FuzzPropertyException.Require(frame.Length <= maxStanza, $"stanza of {frame.Length} bytes accepted over MaxStanzaBytes {maxStanza}");
                var depth = Depth(element);
                FuzzPropertyException.Require(depth <= maxDepth, $"stanza nested {depth} deep accepted over MaxDepth {maxDepth}");
                UseStanza(element);
                return "element " + element.ToString(SaveOptions.DisableFormatting);
            case XmlStreamEventKind.StreamEnd:
                return "end";
            default:
                FuzzPropertyException.Require(!string.IsNullOrEmpty(ev.ErrorCondition), "Error event without a condition");
                return $"error {ev.ErrorCondition} {ev.ErrorText}";
        }
    }

    private static int Depth(XElement element)
    {
        var deepest = 1;
        foreach (var descendant in element.Descendants())
        {
            var depth = 1;
            for (var p = descendant; p != element; p = p.Parent!)
            {
                depth++;
            }
            deepest = Math.Max(deepest, depth);
        }
        return deepest;
    }

    private static void UseStanza(XElement element)
    {
        foreach (var name in (string[])["from", "to"])
        {
            if ((string?)element.Attribute(name) is { } jid && XmppAddressMapping.TryFromXmpp(jid, out var address))
            {
                FuzzPropertyException.Require(XmppAddressMapping.TryToXmpp(address, out var back) && XmppAddressMapping.TryFromXmpp(back, out var again) && again == address,
                    $"JID '{jid}' gives {address} which does not map back");
                _ = SipAddressMapping.ToSip(address);
            }
        }
        if (element.Name.LocalName == "message")
        {
            _ = XmppMessageTranslator.FromXmpp(element);
        }
    }
}

using System.Diagnostics;

namespace Bridge.Bench;

/// <summary>
/// What a.test received in the fan-out phase, all from the one presentity p@b.test. A presence stanza reaches
/// one watcher, or, carrying XEP-0033 &lt;addresses/&gt;, every watcher it lists; both are counted, since the
/// first is what crosses the XMPP link and the second what the watchers see.
/// </summary>
internal sealed class FanoutBook
{
    private long _subscribed;
    private long _stanzas;
    private long _deliveries;
    private long _withNote;
    private long _multicast;
    private long _other;
    private long _lastAt;

    /// <summary>`subscribed` stanzas (one per watcher, whatever the mode).</summary>
    public long Subscribed => Interlocked.Read(ref _subscribed);

    /// <summary>Available presence stanzas on the XMPP link.</summary>
    public long Stanzas => Interlocked.Read(ref _stanzas);

    /// <summary>Watchers reached by them.</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>Watchers reached with a &lt;status&gt; (the class allowed to see the note).</summary>
    public long WithNote => Interlocked.Read(ref _withNote);

    /// <summary>Stanzas that carried XEP-0033 addresses.</summary>
    public long Multicast => Interlocked.Read(ref _multicast);

    public long Other => Interlocked.Read(ref _other);

    /// <summary>Stopwatch timestamp of the latest delivery.</summary>
    public long LastAt => Interlocked.Read(ref _lastAt);

    public void OnPresence(ReadOnlySpan<byte> element)
    {
        var type = XmlFramer.Attribute(element, " type="u8);
        if (type.SequenceEqual("subscribed"u8))
        {
            Interlocked.Increment(ref _subscribed);
            return;
        }
        if (!type.IsEmpty || !XmlFramer.Attribute(element, " from="u8).StartsWith("p@b.test"u8))
        {
            Interlocked.Increment(ref _other);
            return;
        }
        var reached = 1L;
        if (element.IndexOf("<addresses"u8) >= 0)
        {
            reached = Count(element, "<address "u8);
            Interlocked.Increment(ref _multicast);
        }
        Interlocked.Increment(ref _stanzas);
        if (element.IndexOf("<status"u8) >= 0)
        {
            Interlocked.Add(ref _withNote, reached);
        }
        Interlocked.Exchange(ref _lastAt, Stopwatch.GetTimestamp());
        Interlocked.Add(ref _deliveries, reached);
    }

    private static long Count(ReadOnlySpan<byte> text, ReadOnlySpan<byte> what)
    {
        long n = 0;
        int at;
        while ((at = text.IndexOf(what)) >= 0)
        {
            n++;
            text = text[(at + what.Length)..];
        }
        return n;
    }
}

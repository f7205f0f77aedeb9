using System.Buffers.Text;

namespace Bridge.Bench;

/// <summary>
/// What the XMPP peer (a.test) received in the presence phase. Watcher i is w{i}@a.test and subscribes to
/// presentity i, p{i}@b.test, so every subscription is one SIP dialog and every stanza names its index.
/// A subscription is established when `subscribed` from p{i} reaches w{i}; a presence update is delivered
/// when an available presence whose &lt;status&gt; starts with the NOTIFY's tag ("n&lt;phase&gt;.&lt;seq&gt;",
/// put in the PIDF tuple's &lt;note&gt;) arrives.
/// </summary>
internal sealed class PresenceBook(int subscriptions)
{
    private readonly int[] _subscribed = new int[subscriptions];
    private readonly int[] _initialPresence = new int[subscriptions];
    private long _subscribedCount;
    private long _initialPresenceCount;
    private long _updates;
    private long _errors;
    private long _mismatched;
    private long _other;
    private long _unknown;

    /// <summary>Tracker of the SUBSCRIBEs being sent now; its seq is the watcher index minus <see cref="EstablishBase"/>.</summary>
    public Tracker? Establishing { get; set; }

    public int EstablishBase { get; set; }

    public int Capacity => _subscribed.Length;

    public long SubscribedCount => Interlocked.Read(ref _subscribedCount);

    /// <summary>Available presences that carried no update tag (the first NOTIFY's).</summary>
    public long InitialPresenceCount => Interlocked.Read(ref _initialPresenceCount);

    /// <summary>Presences that carried an update tag (tracked or not).</summary>
    public long UpdateStanzas => Interlocked.Read(ref _updates);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Stanzas whose from (p{i}) and to (w{j}) indices differ.</summary>
    public long Mismatched => Interlocked.Read(ref _mismatched);

    /// <summary>Other presence types (unsubscribed, unavailable, subscribe, probe...).</summary>
    public long Other => Interlocked.Read(ref _other);

    /// <summary>Presence stanzas from or to nobody the bench made.</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    public static string Watcher(int i) => $"w{i}@{XmppPeer.Local}";

    public static string Presentity(int i) => $"p{i}@{XmppPeer.Remote}";

    /// <summary>The index in "&lt;letter&gt;&lt;digits&gt;@..." (a bare or full JID, or a SIP user part); -1 otherwise.</summary>
    public static int Index(ReadOnlySpan<byte> address, byte letter)
    {
        if (address.StartsWith("sip:"u8))
        {
            address = address[4..];
        }
        if (address.Length < 3 || address[0] != letter
            || !Utf8Parser.TryParse(address[1..], out int i, out var used) || i < 0
            || used + 1 >= address.Length || address[used + 1] != (byte)'@')
        {
            return -1;
        }
        return i;
    }

    /// <summary>One &lt;presence/&gt; element the bridge sent to a.test.</summary>
    public void OnPresence(ReadOnlySpan<byte> element)
    {
        var type = XmlFramer.Attribute(element, " type="u8);
        var from = Index(XmlFramer.Attribute(element, " from="u8), (byte)'p');
        var to = Index(XmlFramer.Attribute(element, " to="u8), (byte)'w');
        if (from < 0 || from >= _subscribed.Length)
        {
            Interlocked.Increment(ref _unknown);
            return;
        }
        if (to != from)
        {
            Interlocked.Increment(ref _mismatched);
        }
        if (type.SequenceEqual("subscribed"u8))
        {
            if (Interlocked.Exchange(ref _subscribed[from], 1) == 0)
            {
                Interlocked.Increment(ref _subscribedCount);
            }
            Establishing?.OnDelivered(from - EstablishBase);
        }
        else if (type.SequenceEqual("error"u8))
        {
            Interlocked.Increment(ref _errors);
            Establishing?.OnError(from - EstablishBase);
        }
        else if (type.IsEmpty)
        {
            var status = XmlFramer.ChildText(element, "<status"u8);
            if (status.Length > 0 && status[0] == (byte)'n' && WireTag.TryParse(status, out var phase, out var seq))
            {
                Interlocked.Increment(ref _updates);
                Tracker.Find(phase)?.OnDelivered(seq);
            }
            else if (Interlocked.Exchange(ref _initialPresence[from], 1) == 0)
            {
                Interlocked.Increment(ref _initialPresenceCount);
            }
        }
        else
        {
            Interlocked.Increment(ref _other);
        }
    }

    public bool IsSubscribed(int i) => Volatile.Read(ref _subscribed[i]) != 0;
}

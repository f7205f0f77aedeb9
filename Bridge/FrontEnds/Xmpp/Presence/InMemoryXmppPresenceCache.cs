using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;

namespace Bridge.FrontEnds.Xmpp.Presence;

/// <summary>
/// <see cref="IXmppPresenceCache"/> in process memory, under one lock (each call is a few dictionary
/// operations). Bounded three ways so that a peer cannot grow it without limit: a pair's entry
/// disappears as soon as nothing of it is available, at most <c>maxPairs</c> pairs are held per
/// direction, and at most <c>maxResourcesPerPair</c> resources per pair (RFC 6121 §4.4 puts no limit
/// on resources; servers do). Past a bound the event still flows, only less is remembered. Lost on
/// restart: XMPP servers re-send presence after a probe (RFC 6121 §4.3), which the SIP side triggers
/// when it re-subscribes.
/// </summary>
public sealed class InMemoryXmppPresenceCache : IXmppPresenceCache
{
    private readonly Lock _gate = new();
    private readonly int _maxPairs;
    private readonly int _maxResourcesPerPair;
    private readonly Dictionary<(ChatAddress Presentity, ChatAddress Watcher), Dictionary<string, PresenceSource>> _inbound = [];
    private readonly Dictionary<(ChatAddress Presentity, ChatAddress Watcher), HashSet<string>> _announced = [];
    private readonly HashSet<(ChatAddress Watcher, ChatAddress Presentity)> _pendingSubscribes = [];
    private readonly Queue<(ChatAddress Watcher, ChatAddress Presentity)> _pendingOrder = new();

    public InMemoryXmppPresenceCache()
        : this(maxPairs: 100_000, maxResourcesPerPair: 32)
    {
    }

    public InMemoryXmppPresenceCache(int maxPairs, int maxResourcesPerPair)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPairs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResourcesPerPair, 1);
        _maxPairs = maxPairs;
        _maxResourcesPerPair = maxResourcesPerPair;
    }

    /// <summary>Pairs currently held in either direction plus pending subscribes, for tests and diagnostics.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _inbound.Count + _announced.Count + _pendingSubscribes.Count;
            }
        }
    }

    public ImmutableArray<PresenceSource> ApplyInbound(ChatAddress presentity, ChatAddress watcher, PresenceSource source)
    {
        ArgumentNullException.ThrowIfNull(presentity);
        ArgumentNullException.ThrowIfNull(watcher);
        ArgumentNullException.ThrowIfNull(source);
        var key = (presentity.Bare, watcher.Bare);
        lock (_gate)
        {
            _inbound.TryGetValue(key, out var resources);
            var result = ImmutableArray.CreateBuilder<PresenceSource>();
            if (resources is not null)
            {
                // The changed resource keeps its place among the others; a new one comes last.
                foreach (var (id, known) in resources)
                {
                    result.Add(id == source.Id ? source : known);
                }
            }
            if (resources is null || !resources.ContainsKey(source.Id))
            {
                result.Add(source);
            }

            if (source.Availability == PresenceAvailability.Available)
            {
                if (resources is null && _inbound.Count < _maxPairs)
                {
                    resources = [];
                    _inbound[key] = resources;
                }
                if (resources is not null && (resources.ContainsKey(source.Id) || resources.Count < _maxResourcesPerPair))
                {
                    resources[source.Id] = source;
                }
            }
            else if (resources is not null)
            {
                resources.Remove(source.Id);
                if (resources.Count == 0)
                {
                    _inbound.Remove(key);
                }
            }
            return result.ToImmutable();
        }
    }

    public IReadOnlySet<string> ReplaceAnnounced(ChatAddress presentity, ChatAddress watcher, IReadOnlySet<string> available)
    {
        ArgumentNullException.ThrowIfNull(presentity);
        ArgumentNullException.ThrowIfNull(watcher);
        ArgumentNullException.ThrowIfNull(available);
        var key = (presentity.Bare, watcher.Bare);
        lock (_gate)
        {
            _announced.TryGetValue(key, out var previous);
            if (available.Count == 0)
            {
                _announced.Remove(key);
            }
            else if (previous is not null || _announced.Count < _maxPairs)
            {
                _announced[key] = [.. available.Take(_maxResourcesPerPair)];
            }
            return previous ?? (IReadOnlySet<string>)ImmutableHashSet<string>.Empty;
        }
    }

    public IReadOnlySet<string> Forget(ChatAddress presentity, ChatAddress watcher)
    {
        ArgumentNullException.ThrowIfNull(presentity);
        ArgumentNullException.ThrowIfNull(watcher);
        var key = (presentity.Bare, watcher.Bare);
        lock (_gate)
        {
            _inbound.Remove(key);
            _pendingSubscribes.Remove((watcher.Bare, presentity.Bare));
            return _announced.Remove(key, out var previous) ? previous : ImmutableHashSet<string>.Empty;
        }
    }

    public void RecordSubscribeSent(ChatAddress watcher, ChatAddress presentity)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        ArgumentNullException.ThrowIfNull(presentity);
        var key = (watcher.Bare, presentity.Bare);
        lock (_gate)
        {
            if (!_pendingSubscribes.Add(key))
            {
                return;
            }
            _pendingOrder.Enqueue(key);
            // Oldest first out; keys already answered are skipped as the queue drains.
            while (_pendingSubscribes.Count > _maxPairs || _pendingOrder.Count > 2 * _maxPairs)
            {
                _pendingSubscribes.Remove(_pendingOrder.Dequeue());
            }
        }
    }

    public bool TryTakeSubscribeSent(ChatAddress watcher, ChatAddress presentity)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        ArgumentNullException.ThrowIfNull(presentity);
        lock (_gate)
        {
            return _pendingSubscribes.Remove((watcher.Bare, presentity.Bare));
        }
    }
}

using System.Xml.Linq;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp;

/// <summary>
/// Whether a peer XMPP domain offers XEP-0033 multicast, learnt once per domain by a disco#info query to the
/// domain itself (XEP-0033 §2: a server that can deliver extended addressing advertises the feature
/// <see cref="AddressFeature"/>; XEP-0030 §3.1 for the query). Answers are cached for <c>ttl</c> on the
/// injected clock; a query that failed or timed out counts as "no" for a shorter time, so a peer that was
/// briefly unreachable is asked again. Nobody waits for a query: <see cref="Supports"/> says no until the
/// answer is in, and the caller delivers per watcher meanwhile.
/// </summary>
public sealed class XmppMulticastDiscovery
{
    /// <summary>The XEP-0033 namespace, also its disco feature.</summary>
    public const string AddressFeature = "http://jabber.org/protocol/address";

    /// <summary>XEP-0030 service discovery, info.</summary>
    public static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";

    private readonly XmppIqRequests _iq;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _retry;
    private readonly TimeSpan _timeout;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _byDomain = new(StringComparer.OrdinalIgnoreCase);

    public XmppMulticastDiscovery(XmppIqRequests iq, TimeProvider time, ILogger logger, CancellationToken stopping,
        TimeSpan? ttl = null, TimeSpan? retry = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(iq);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _iq = iq;
        _time = time;
        _logger = logger;
        _stopping = stopping;
        _ttl = ttl ?? TimeSpan.FromHours(1);
        _retry = retry ?? TimeSpan.FromMinutes(5);
        _timeout = timeout ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>
    /// True when <paramref name="peerDomain"/> is known to offer multicast; false when it is known not to or not
    /// known yet (a query from <paramref name="localDomain"/> is then started, unless one is under way).
    /// </summary>
    public bool Supports(string localDomain, string peerDomain) =>
        DiscoverAsync(localDomain, peerDomain) is { IsCompletedSuccessfully: true } answer && answer.Result;

    /// <summary>The current answer for <paramref name="peerDomain"/>, asking for it if it is missing or stale.</summary>
    public Task<bool> DiscoverAsync(string localDomain, string peerDomain)
    {
        ArgumentNullException.ThrowIfNull(localDomain);
        ArgumentNullException.ThrowIfNull(peerDomain);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_byDomain.TryGetValue(peerDomain, out var entry) && (!entry.Answer.IsCompleted || entry.Expires > now))
            {
                return entry.Answer;
            }
            if (_byDomain.Count >= 10_000)
            {
                // Peer domains come from configuration, so this stays small; the bound only keeps a
                // misconfiguration from growing without end.
                _byDomain.Clear();
            }
            entry = new Entry();
            _byDomain[peerDomain] = entry;
            entry.Answer = QueryAsync(localDomain, peerDomain, entry);
            return entry.Answer;
        }
    }

    private async Task<bool> QueryAsync(string localDomain, string peerDomain, Entry entry)
    {
        await Task.Yield(); // the caller holds the lock; the query runs outside it
        XElement? answer = null;
        try
        {
            var iq = new XElement(XmppNamespaces.Server + "iq",
                new XAttribute("type", "get"), new XAttribute("from", localDomain), new XAttribute("to", peerDomain),
                new XElement(DiscoInfo + "query"));
            answer = await _iq.RequestAsync(iq, _timeout, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // a failed query means "no multicast", never a failed delivery
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogWarning(e, "disco#info to {Domain} failed", peerDomain);
        }
        var supported = answer is not null && (string?)answer.Attribute("type") == "result"
            && answer.Elements(DiscoInfo + "query").Elements(DiscoInfo + "feature").Any(f => (string?)f.Attribute("var") == AddressFeature);
        lock (_lock)
        {
            // A result or error is an answer that holds; silence is retried sooner.
            entry.Expires = _time.GetUtcNow() + (answer is null ? _retry : _ttl);
        }
        _logger.LogInformation("XMPP peer {Domain}: XEP-0033 multicast {Answer}", peerDomain,
            supported ? "advertised" : answer is null ? "unknown (no answer), per-watcher delivery" : "not advertised, per-watcher delivery");
        return supported;
    }

    private sealed class Entry
    {
        public Task<bool> Answer { get; set; } = Task.FromResult(false);

        public DateTimeOffset Expires { get; set; } = DateTimeOffset.MaxValue;
    }
}

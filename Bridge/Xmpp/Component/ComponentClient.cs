using System.Xml.Linq;
using Bridge.Net;
using Bridge.Xmpp.Server;
using Bridge.Xmpp.Xml;
using Microsoft.Extensions.Logging;
using Polly;

namespace Bridge.Xmpp.Component;

/// <summary>
/// The bridge as an XEP-0114 external component of an XMPP server, carrying every stanza of the
/// component's domain (<see cref="ComponentOptions.Name"/>). Keeps the connection up by itself: when the
/// server goes away it reconnects with exponential backoff and jitter (<see cref="ReconnectBackoff"/>).
/// Stanzas sent meanwhile wait in a bounded queue with a deadline; each completes Sent once written to
/// an authenticated stream, or Failed (resource-constraint when the queue is full, service-unavailable
/// when its deadline passes or the client stops), so the caller can always tell its sender.
/// </summary>
public sealed class ComponentClient : IXmppStanzaLink, IAsyncDisposable
{
    private readonly ComponentOptions _options;
    private readonly ILogger<ComponentClient> _logger;
    private readonly ComponentConnector _connector;
    private readonly PendingQueue<XElement, XmppSendResult> _queue;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ResiliencePipeline _reconnect;
    private readonly object _gate = new();
    private XmppChannel? _channel;
    private Task _run = Task.CompletedTask;
    private bool _started;
    private bool _stopped;

    public ComponentClient(ComponentOptions options, TimeProvider time, ILoggerFactory loggers)
        : this(options, time, loggers, null)
    {
    }

    /// <summary>Tests pass <paramref name="connect"/> to stand in for TCP.</summary>
    internal ComponentClient(ComponentOptions options, TimeProvider time, ILoggerFactory loggers, Func<CancellationToken, Task<StreamConnection>>? connect)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options;
        _logger = loggers.CreateLogger<ComponentClient>();
        _connector = connect is null
            ? new ComponentConnector(options, time, _logger)
            : new ComponentConnector(options, time, _logger) { Connect = connect };
        _queue = new PendingQueue<XElement, XmppSendResult>(options.QueueLimit, options.QueueDeadline, time,
            // service-unavailable, not remote-server-timeout: the bridge's own link is down, which a SIP
            // sender should hear as 503 (RFC 3261 §21.5.4, try later), not as RFC 7247's 408 for a peer's timeout.
            _ => XmppSendResult.Failed("service-unavailable", $"component link to {options.Host}:{options.Port} not back within {options.QueueDeadline.TotalSeconds:0.#} s"),
            _ => XmppSendResult.Failed("resource-constraint", $"more than {options.QueueLimit} stanzas waiting for the component link"));
        _reconnect = options.Backoff.Build(time, _shutdown.Token, (attempt, delay, error) =>
        {
            _logger.LogWarning("Component {Name}: connect attempt {Attempt} to {Host}:{Port} failed ({Error}); retrying in {Delay}",
                _options.Name, attempt, _options.Host, _options.Port, error?.Message, delay);
        });
    }

    public Func<XElement, Task>? StanzaHandler { get; set; }

    /// <summary>True while an authenticated stream is up.</summary>
    public bool IsConnected => Volatile.Read(ref _channel) is { IsClosed: false };

    /// <summary>Stanzas waiting for the link.</summary>
    public int QueuedCount => _queue.Count;

    public bool Serves(string localDomain) => string.Equals(localDomain, _options.Name, StringComparison.OrdinalIgnoreCase);

    public Task StartAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_started)
            {
                return Task.CompletedTask;
            }
            _started = true;
        }
        _run = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        XmppChannel? channel;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            channel = _channel;
        }
        if (channel is not null)
        {
            await channel.CloseAsync().ConfigureAwait(false);
        }
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _run.WaitAsync(ct).ConfigureAwait(false);
        _queue.FailAll(_ => XmppSendResult.Failed("service-unavailable", "bridge shutting down"));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _shutdown.Dispose();
    }

    public async Task<XmppSendResult> SendAsync(XElement stanza, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        if (!StanzaNamespace.IsStanza(StanzaNamespace.ToServer(stanza)))
        {
            return XmppSendResult.Failed("bad-request", $"{stanza.Name.LocalName} is not a stanza");
        }
        var from = Jid.DomainOf((string?)stanza.Attribute("from"));
        var to = Jid.DomainOf((string?)stanza.Attribute("to"));
        if (from is null || to is null)
        {
            return XmppSendResult.Failed("jid-malformed", "stanza needs a valid 'from' and 'to'");
        }
        if (!Serves(from))
        {
            // XEP-0114 servers drop stanzas whose 'from' is not the component's domain.
            return XmppSendResult.Failed("not-allowed", $"{from} is not the component domain {_options.Name}");
        }
        if (!_options.IsPeerAllowed(from, to))
        {
            return XmppSendResult.Failed("not-allowed", $"{from} may not talk with {to}");
        }
        var wire = ComponentNamespace.ToComponent(stanza);
        XmppChannel? channel;
        Task<XmppSendResult> queued;
        lock (_gate)
        {
            if (_stopped)
            {
                return XmppSendResult.Failed("service-unavailable", "bridge shutting down");
            }
            channel = _channel;
            queued = channel is null ? _queue.Enqueue(wire) : Task.FromResult(XmppSendResult.Sent);
        }
        if (channel is null)
        {
            return await queued.WaitAsync(ct).ConfigureAwait(false);
        }
        if (await channel.SendAsync(wire).ConfigureAwait(false))
        {
            return XmppSendResult.Sent;
        }
        // The stream broke under this write: wait for the reconnect like any stanza sent while it is down.
        MarkLost(channel);
        return await _queue.Enqueue(wire).WaitAsync(ct).ConfigureAwait(false);
    }

    private void MarkLost(XmppChannel channel)
    {
        lock (_gate)
        {
            if (_channel == channel)
            {
                _channel = null;
            }
        }
    }

    private async Task RunAsync()
    {
        var ct = _shutdown.Token;
        while (!ct.IsCancellationRequested)
        {
            XmppChannel channel;
            try
            {
                channel = await _reconnect.ExecuteAsync(async token => await _connector.OpenAsync(token).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Only a bounded Backoff.MaxAttempts gets here; stay down, failing what waits.
                _logger.LogError("Component {Name}: giving up connecting to {Host}:{Port}: {Error}", _options.Name, _options.Host, _options.Port, e.Message);
                _queue.FailAll(_ => XmppSendResult.Failed("remote-server-not-found", e.Message));
                break;
            }
            if (!await PublishAsync(channel).ConfigureAwait(false))
            {
                await channel.DisposeAsync().ConfigureAwait(false);
                break;
            }
            var reason = await ReadLoopAsync(channel, ct).ConfigureAwait(false);
            MarkLost(channel);
            await channel.DisposeAsync().ConfigureAwait(false);
            if (!ct.IsCancellationRequested)
            {
                _logger.LogWarning("Component {Name}: link to {Host}:{Port} lost ({Reason}); reconnecting", _options.Name, _options.Host, _options.Port, reason);
            }
        }
    }

    /// <summary>
    /// Writes the waiting stanzas in order, then makes the channel current. Checking the queue empty and
    /// publishing happen under one lock, so no stanza can slip into the queue after the last flush.
    /// </summary>
    private async Task<bool> PublishAsync(XmppChannel channel)
    {
        while (true)
        {
            List<PendingQueue<XElement, XmppSendResult>.Pending> pending;
            lock (_gate)
            {
                if (_stopped)
                {
                    return false;
                }
                pending = _queue.TakeAll();
                if (pending.Count == 0)
                {
                    _channel = channel;
                    return true;
                }
            }
            var broken = false;
            foreach (var item in pending)
            {
                if (!broken && await channel.SendAsync(item.Item).ConfigureAwait(false))
                {
                    item.Complete(XmppSendResult.Sent);
                    continue;
                }
                broken = true;
                item.Complete(XmppSendResult.Failed("service-unavailable", "component link lost while sending"));
            }
            if (broken)
            {
                return true; // the read loop sees the closed channel at once and the loop reconnects
            }
        }
    }

    private async Task<string> ReadLoopAsync(XmppChannel channel, CancellationToken ct)
    {
        try
        {
            while (await channel.NextAsync(ct).ConfigureAwait(false) is { } ev)
            {
                switch (ev.Kind)
                {
                    case XmlStreamEventKind.StreamEnd:
                        await channel.CloseAsync().ConfigureAwait(false);
                        return "server closed the stream";
                    case XmlStreamEventKind.Error:
                        await channel.CloseAsync(ev.ErrorCondition, ev.ErrorText).ConfigureAwait(false);
                        return $"bad XML from server: {ev.ErrorCondition}";
                    case XmlStreamEventKind.Element when ev.Element!.Name == XmppNamespaces.Streams + "error":
                        return "stream error from server: " + StreamFrames.ReadError(ev.Element);
                    case XmlStreamEventKind.Element when ComponentNamespace.IsStanza(ev.Element!):
                        await OnStanzaAsync(channel, ComponentNamespace.FromComponent(ev.Element!)).ConfigureAwait(false);
                        break;
                    default:
                        _logger.LogDebug("Component {Name}: ignoring {Event}", _options.Name, (object?)ev.Element?.Name ?? ev.Kind);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return "stopping";
        }
        return "connection closed";
    }

    /// <summary>
    /// The server hands the component stanzas from every local vhost, trusted or not, so each 'from'
    /// domain is checked here against the peering policy; a refused one gets not-allowed (RFC 6120
    /// §8.3.3.9) and nothing reaches the bridge.
    /// </summary>
    private async Task OnStanzaAsync(XmppChannel channel, XElement stanza)
    {
        var from = Jid.DomainOf((string?)stanza.Attribute("from"));
        var to = Jid.DomainOf((string?)stanza.Attribute("to"));
        var type = (string?)stanza.Attribute("type");
        string? refusal = null;
        if (from is null || to is null)
        {
            refusal = "jid-malformed";
        }
        else if (!Serves(to) || !_options.IsPeerAllowed(to, from))
        {
            refusal = "not-allowed";
        }
        if (refusal is not null)
        {
            _logger.LogWarning("Component {Name}: refused {Kind} {Id} from {From} to {To} ({Condition})",
                _options.Name, stanza.Name.LocalName, (string?)stanza.Attribute("id"), (string?)stanza.Attribute("from"), (string?)stanza.Attribute("to"), refusal);
            // RFC 6120 §8.3.1: never answer an error with an error; a reply without an address cannot go anywhere.
            if (type != "error" && from is not null && !(stanza.Name.LocalName == "iq" && type is "result"))
            {
                var reply = StanzaErrors.CreateErrorReply(stanza, refusal, $"{from} is not peered with {to ?? _options.Name}");
                await channel.SendAsync(ComponentNamespace.ToComponent(reply)).ConfigureAwait(false);
            }
            return;
        }
        if (StanzaHandler is not { } handler)
        {
            _logger.LogWarning("Component {Name}: no stanza handler; dropped {Stanza}", _options.Name, stanza);
            return;
        }
        try
        {
            await handler(stanza).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Component {Name}: stanza handler failed", _options.Name);
        }
    }
}

using System.Net;
using System.Xml.Linq;
using Bridge.Net;
using Bridge.Net.Tls;
using Bridge.Xmpp.Dialback;
using Bridge.Xmpp.Server;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp;

/// <summary>
/// The XMPP server-to-server side of the bridge (RFC 6120, XEP-0220 with XEP-0185 keys) for the domains
/// of <see cref="XmppServerOptions.IsLocalDomain"/>. Inbound connections are accepted on
/// <see cref="XmppServerOptions.Listen"/>; outbound streams are opened per (local, remote) domain pair on
/// demand by <see cref="SendAsync"/>. A failing connection only affects its own stanzas.
/// </summary>
public sealed class XmppServer : IXmppStanzaLink, IAsyncDisposable
{
    private readonly XmppServerOptions _options;
    private readonly ILogger<XmppServer> _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly S2SContext _ctx;
    private readonly object _gate = new();
    private readonly Dictionary<(string Local, string Remote), OutboundStream> _outbound = [];
    private readonly HashSet<InboundStream> _inbound = [];
    private readonly List<Task> _inboundTasks = [];
    private TcpAcceptor? _acceptor;
    private Task _acceptLoop = Task.CompletedTask;
    private bool _stopped;

    public XmppServer(XmppServerOptions options, IXmppResolver resolver, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options;
        _logger = loggers.CreateLogger<XmppServer>();
        var validator = options.CertificateValidator ?? PeerCertificateValidator.SystemStore(time);
        var connector = new S2SConnector(resolver, options, validator, time, loggers.CreateLogger<S2SConnector>());
        var verifier = new DialbackVerifier(connector, options, time, loggers.CreateLogger<DialbackVerifier>());
        _ctx = new S2SContext(options, new DialbackKey(options.DialbackSecret), connector, verifier, time, loggers, _shutdown.Token);
    }

    /// <summary>
    /// Receives each stanza (message/presence/iq, in jabber:server) of an authenticated inbound stream
    /// whose 'from' domain is verified on that stream and whose 'to' domain is local. Exceptions are
    /// caught and logged. Stanzas of one stream are delivered in order, one at a time, beside the read loop,
    /// so the handler may await <see cref="SendAsync"/> (whose dialback may need this very stream).
    /// </summary>
    public Func<XElement, Task>? StanzaHandler { get; set; }

    public IPEndPoint? BoundEndPoint => _acceptor?.LocalEndPoint;

    /// <summary>S2S carries every domain the bridge answers for.</summary>
    public bool Serves(string localDomain) => _ctx.IsLocal(localDomain);

    public Task StartAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_stopped, this);
        if (_acceptor is not null)
        {
            return Task.CompletedTask;
        }
        _acceptor = TcpAcceptor.Bind(_options.Listen);
        _logger.LogInformation("XMPP S2S listening on {EndPoint}", _acceptor.LocalEndPoint);
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        List<OutboundStream> outbound;
        List<InboundStream> inbound;
        List<Task> tasks;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            outbound = [.. _outbound.Values];
            inbound = [.. _inbound];
            tasks = [.. _inboundTasks, .. outbound.Select(o => o.Completion)];
        }
        if (_acceptor is not null)
        {
            await _acceptor.DisposeAsync().ConfigureAwait(false);
        }
        // RFC 6120 §4.9.3.20: tell peers why their streams end.
        await Task.WhenAll(inbound.Select(i => i.CloseAsync("system-shutdown"))
            .Concat(outbound.Select(o => o.CloseAsync("system-shutdown")))).ConfigureAwait(false);
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(tasks.Append(_acceptLoop)).WaitAsync(ct).ConfigureAwait(false);
        _logger.LogInformation("XMPP S2S stopped");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _shutdown.Dispose();
    }

    /// <summary>
    /// Sends a stanza whose 'from' is at a local domain to its remote 'to' domain. Completes Sent once it is
    /// written on a dialback-verified stream, or Failed with an RFC 6120 §8.3.3 condition:
    /// remote-server-not-found (no address, or nothing listening), remote-server-timeout (connect or
    /// dialback timeout, stream error, dialback refused by the peer - §8.3.3.16 names dialback failures),
    /// not-allowed (local policy), jid-malformed, resource-constraint (queue full).
    /// </summary>
    public async Task<XmppSendResult> SendAsync(XElement stanza, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        var normalized = StanzaNamespace.ToServer(stanza);
        if (!StanzaNamespace.IsStanza(normalized))
        {
            return XmppSendResult.Failed("bad-request", $"{stanza.Name.LocalName} is not a stanza");
        }
        var local = Jid.DomainOf((string?)normalized.Attribute("from"));
        var remote = Jid.DomainOf((string?)normalized.Attribute("to"));
        if (local is null || remote is null)
        {
            return XmppSendResult.Failed("jid-malformed", "stanza needs a valid 'from' and 'to'");
        }
        if (!_ctx.IsLocal(local))
        {
            return XmppSendResult.Failed("not-allowed", $"{local} is not a local domain");
        }
        if (_ctx.IsLocal(remote))
        {
            return XmppSendResult.Failed("not-allowed", $"{remote} is local, not a remote XMPP domain");
        }
        if (!_options.IsPeerAllowed(local, remote))
        {
            return XmppSendResult.Failed("not-allowed", $"{local} may not talk with {remote}");
        }
        // A stream found closed is replaced once; a second closed one means we are stopping.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var stream = GetOutbound(local, remote);
            if (stream is null)
            {
                break;
            }
            if (await stream.SendAsync(normalized, ct).ConfigureAwait(false) is { } result)
            {
                return result;
            }
            lock (_gate)
            {
                if (_outbound.TryGetValue((local, remote), out var current) && current == stream)
                {
                    _outbound.Remove((local, remote));
                }
            }
        }
        return XmppSendResult.Failed("remote-server-timeout", "XMPP server stopping");
    }

    private OutboundStream? GetOutbound(string local, string remote)
    {
        OutboundStream stream;
        lock (_gate)
        {
            if (_stopped)
            {
                return null;
            }
            if (_outbound.TryGetValue((local, remote), out var existing))
            {
                return existing;
            }
            stream = new OutboundStream(_ctx, local, remote);
            _outbound[(local, remote)] = stream;
            stream.Start();
        }
        _ = stream.Completion.ContinueWith(_ =>
        {
            lock (_gate)
            {
                if (_outbound.TryGetValue((local, remote), out var current) && current == stream)
                {
                    _outbound.Remove((local, remote));
                }
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return stream;
    }

    private async Task AcceptLoopAsync()
    {
        while (await _acceptor!.AcceptAsync(_shutdown.Token).ConfigureAwait(false) is { } connection)
        {
            var inbound = new InboundStream(_ctx, connection, DispatchAsync);
            lock (_gate)
            {
                if (_stopped)
                {
                    _ = connection.DisposeAsync().AsTask();
                    return;
                }
                _inbound.Add(inbound);
                _inboundTasks.Add(RunInboundAsync(inbound));
            }
        }
    }

    private async Task RunInboundAsync(InboundStream inbound)
    {
        await Task.Yield();
        try
        {
            await inbound.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _inbound.Remove(inbound);
                _inboundTasks.RemoveAll(t => t.IsCompleted);
            }
        }
    }

    private Task DispatchAsync(XElement stanza)
    {
        if (StanzaHandler is { } handler)
        {
            return handler(stanza);
        }
        _logger.LogWarning("No XMPP stanza handler; dropped {Stanza}", stanza);
        return Task.CompletedTask;
    }
}

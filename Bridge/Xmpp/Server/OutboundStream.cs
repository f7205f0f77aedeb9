using System.Xml.Linq;
using Bridge.Xmpp.Dialback;
using Bridge.Xmpp.Xml;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp.Server;

/// <summary>
/// Initiating (originating) server for one domain pair, XEP-0220 §2.1.1: connect, open the stream, send
/// our key (XEP-0185, with the stream id the peer gave), queue stanzas until db:result type='valid', then
/// write them in order. Also answers db:verify arriving on this stream (authoritative role, §2.2.2).
/// Every queued stanza completes: Sent once written to the verified stream, else Failed with the reason.
/// </summary>
internal sealed class OutboundStream
{
    private readonly S2SContext _ctx;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly List<(XElement Stanza, TaskCompletionSource<XmppSendResult> Done)> _queue = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _timeout;
    private XmppChannel? _channel;
    private bool _ready;
    private bool _closed;

    public OutboundStream(S2SContext ctx, string local, string remote)
    {
        _ctx = ctx;
        Local = local;
        Remote = remote;
        _logger = ctx.Loggers.CreateLogger<OutboundStream>();
        // Armed here, not in RunAsync, so the deadline starts when the first stanza asks for the stream.
        _timeout = new CancellationTokenSource(ctx.Options.ConnectTimeout, ctx.Time);
    }

    public string Local { get; }
    public string Remote { get; }

    /// <summary>Runs the stream until it ends; then removes nothing itself (the owner does on completion).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync);

    /// <summary>Null when this stream is already closed and the caller should open a new one.</summary>
    public async Task<XmppSendResult?> SendAsync(XElement stanza, CancellationToken ct)
    {
        TaskCompletionSource<XmppSendResult>? done = null;
        (XElement, TaskCompletionSource<XmppSendResult>) entry = default;
        lock (_gate)
        {
            if (_closed)
            {
                return null;
            }
            if (!_ready)
            {
                if (_queue.Count >= _ctx.Options.MaxQueuedStanzasPerDomain)
                {
                    return XmppSendResult.Failed("resource-constraint", $"more than {_ctx.Options.MaxQueuedStanzasPerDomain} stanzas waiting for {Remote}");
                }
                done = new TaskCompletionSource<XmppSendResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                entry = (stanza, done);
                _queue.Add(entry);
            }
        }
        if (done is null)
        {
            return await WriteReadyAsync(stanza, ct).ConfigureAwait(false);
        }
        using var registration = ct.Register(() =>
        {
            lock (_gate)
            {
                if (_queue.Remove(entry))
                {
                    done.TrySetCanceled(ct);
                }
            }
        });
        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>Ends the stream (server shutdown); queued stanzas fail.</summary>
    public async Task CloseAsync(string streamError)
    {
        var channel = _channel;
        if (channel is not null)
        {
            await channel.CloseAsync(streamError).ConfigureAwait(false);
        }
    }

    private async Task<XmppSendResult> WriteReadyAsync(XElement stanza, CancellationToken ct)
    {
        // The lock only orders the enqueue behind stanzas FlushAsync is still handing over; the channel queues
        // synchronously and coalesces the writes, so the flush is awaited outside it. Holding it until the
        // batch was written made every stanza to this domain wait for the previous one's flush plus two thread-pool
        // hand-offs (batch completion, semaphore): with XMPP->SIP filling the pool queue, SIP->XMPP was starved.
        Task<bool> written;
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            written = _channel!.SendAsync(stanza);
        }
        finally
        {
            _sendLock.Release();
        }
        if (await written.ConfigureAwait(false))
        {
            _logger.LogDebug("Sent to {Remote}: {Stanza}", Remote, stanza);
            return XmppSendResult.Sent;
        }
        return XmppSendResult.Failed("remote-server-timeout", $"connection to {Remote} lost");
    }

    private async Task RunAsync()
    {
        var condition = "remote-server-timeout";
        var text = "stream closed";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token, _ctx.Shutdown);
        var ct = linked.Token;
        try
        {
            var connection = await _ctx.Connector.ConnectAsync(Remote, ct).ConfigureAwait(false);
            if (connection is null)
            {
                condition = "remote-server-not-found";
                text = $"no XMPP server reachable for {Remote}";
                return;
            }
            var channel = new XmppChannel(connection, _ctx.Options, _logger, $"out {Local}->{Remote} {connection.RemoteEndPoint}");
            lock (_gate)
            {
                _channel = channel;
            }
            var opening = await _ctx.Connector.OpenSecuredAsync(channel, Local, Remote, ct).ConfigureAwait(false);
            if (opening.Header is null)
            {
                text = opening.Failure ?? text;
                return;
            }
            _timeout.CancelAfter(_ctx.Options.DialbackTimeout);
            var header = opening.Header;
            if (channel.IsEncrypted && _ctx.Options.TlsCertificate is not null && StreamFrames.OffersExternal(opening.Features))
            {
                var (authenticated, restarted, failure) = await AuthenticateExternalAsync(channel, ct).ConfigureAwait(false);
                if (authenticated)
                {
                    _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                    await OnAuthenticatedAsync(channel, "SASL EXTERNAL").ConfigureAwait(false);
                    text = await ReadLoopAsync(channel, ct).ConfigureAwait(false);
                    return;
                }
                if (restarted is null)
                {
                    text = failure ?? text;
                    return;
                }
            }
            var key = _ctx.Key.Generate(Remote, Local, header.Id!);
            await channel.SendAsync(DialbackElements.ResultKey(Local, Remote, key)).ConfigureAwait(false);
            text = await ReadLoopAsync(channel, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_timeout.IsCancellationRequested && !_ctx.Shutdown.IsCancellationRequested)
        {
            text = $"no verified stream to {Remote} in time";
        }
        catch (OperationCanceledException)
        {
            text = "server shutting down";
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Outbound stream {Local} -> {Remote} failed", Local, Remote);
            condition = "internal-server-error";
            text = e.Message;
        }
        finally
        {
            await FinishAsync(condition, text).ConfigureAwait(false);
        }
    }

    /// <summary>Reads until the stream ends; returns why.</summary>
    private async Task<string> ReadLoopAsync(XmppChannel channel, CancellationToken ct)
    {
        while (await channel.NextAsync(ct).ConfigureAwait(false) is { } ev)
        {
            switch (ev.Kind)
            {
                case XmlStreamEventKind.StreamEnd:
                    return "peer closed the stream";
                case XmlStreamEventKind.Error:
                    await channel.CloseAsync(ev.ErrorCondition, ev.ErrorText).ConfigureAwait(false);
                    return $"bad XML from peer: {ev.ErrorCondition}";
                case XmlStreamEventKind.Element:
                    var element = ev.Element!;
                    if (element.Name == XmppNamespaces.Streams + "error")
                    {
                        return "stream error from peer: " + StreamFrames.ReadError(element);
                    }
                    if (element.Name == DialbackElements.Result)
                    {
                        if (await OnResultAsync(channel, element).ConfigureAwait(false) is { } refused)
                        {
                            return refused;
                        }
                    }
                    else if (element.Name == DialbackElements.Verify && element.Attribute("type") is null)
                    {
                        await AnswerVerifyAsync(channel, element).ConfigureAwait(false);
                    }
                    else
                    {
                        _logger.LogDebug("Outbound {Local} -> {Remote}: ignoring {Element}", Local, Remote, element.Name);
                    }
                    break;
            }
        }
        return "connection closed";
    }

    /// <summary>XEP-0220 step 4 as seen by the initiating server; returns a failure text when refused.</summary>
    private async Task<string?> OnResultAsync(XmppChannel channel, XElement result)
    {
        // §3.1 / unsolicited dialback: only the answer for our own domain pair counts.
        if (Jid.DomainOf((string?)result.Attribute("from")) != Remote || Jid.DomainOf((string?)result.Attribute("to")) != Local)
        {
            _logger.LogWarning("Outbound {Local} -> {Remote}: ignoring db:result for another pair: {Element}", Local, Remote, result);
            return null;
        }
        var type = (string?)result.Attribute("type");
        if (type == "valid")
        {
            if (!_ready)
            {
                _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                await OnAuthenticatedAsync(channel, "dialback").ConfigureAwait(false);
            }
            return null;
        }
        // invalid, or an XEP-0220 §2.4 dialback error: RFC 6120 §8.3.3.16 names dialback failures remote-server-timeout.
        var reason = type == "invalid" ? "invalid" : StanzaErrors.Read(result)?.Condition ?? type ?? "no type";
        _logger.LogWarning("Outbound XMPP stream {Local} -> {Remote}: dialback refused ({Reason})", Local, Remote, reason);
        await channel.CloseAsync().ConfigureAwait(false);
        return $"{Remote} refused dialback: {reason}";
    }

    /// <summary>The one outcome every mechanism reports: the stream is authenticated for our domain pair.</summary>
    private async Task OnAuthenticatedAsync(XmppChannel channel, string mechanism)
    {
        _logger.LogInformation("Outbound XMPP stream {Local} -> {Remote} authenticated ({Mechanism}{Tls})",
            Local, Remote, mechanism, channel.IsEncrypted ? ", TLS" : "");
        await FlushAsync(channel).ConfigureAwait(false);
    }

    /// <summary>
    /// RFC 6120 §6.4 with XEP-0178 §2: &lt;auth mechanism='EXTERNAL'&gt; carrying our domain as authzid;
    /// on success the stream restarts (§6.4.6). On &lt;failure/&gt; the stream stays usable and dialback is
    /// tried instead (Restarted = false). Restarted = null means the stream is gone.
    /// </summary>
    private async Task<(bool Authenticated, bool? Restarted, string? Failure)> AuthenticateExternalAsync(XmppChannel channel, CancellationToken ct)
    {
        var authzid = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Local));
        await channel.SendAsync(new XElement(XmppNamespaces.Sasl + "auth", new XAttribute("mechanism", "EXTERNAL"), authzid)).ConfigureAwait(false);
        var answer = await channel.NextAsync(ct).ConfigureAwait(false);
        if (answer?.Element is not { } element)
        {
            return (false, null, "connection closed during SASL");
        }
        if (element.Name == XmppNamespaces.Sasl + "success")
        {
            channel.RestartStream();
            var reopened = await S2SConnector.OpenStreamAsync(channel, Local, Remote, ct).ConfigureAwait(false);
            return reopened.Header is null ? (false, null, reopened.Failure) : (true, true, null);
        }
        if (element.Name == XmppNamespaces.Sasl + "failure")
        {
            _logger.LogWarning("Outbound XMPP stream {Local} -> {Remote}: SASL EXTERNAL refused ({Condition}); trying dialback",
                Local, Remote, StreamFrames.ReadSaslFailure(element));
            return (false, false, null);
        }
        if (element.Name == XmppNamespaces.Streams + "error")
        {
            return (false, null, "stream error from peer: " + StreamFrames.ReadError(element));
        }
        return (false, null, $"unexpected {element.Name.LocalName} during SASL");
    }

    private async Task AnswerVerifyAsync(XmppChannel channel, XElement request)
    {
        if (_ctx.AnswerVerify(request) is { } answer)
        {
            await channel.SendAsync(answer).ConfigureAwait(false);
        }
    }

    private async Task FlushAsync(XmppChannel channel)
    {
        var writes = new List<(XElement Stanza, TaskCompletionSource<XmppSendResult> Done, Task<bool> Write)>();
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            List<(XElement Stanza, TaskCompletionSource<XmppSendResult> Done)> pending;
            lock (_gate)
            {
                pending = [.. _queue];
                _queue.Clear();
                _ready = true;
            }
            foreach (var (stanza, done) in pending)
            {
                writes.Add((stanza, done, channel.SendAsync(stanza)));
            }
        }
        finally
        {
            _sendLock.Release();
        }
        foreach (var (stanza, done, write) in writes)
        {
            var written = await write.ConfigureAwait(false);
            _logger.LogDebug("Sent to {Remote}: {Stanza}", Remote, stanza);
            done.TrySetResult(written ? XmppSendResult.Sent : XmppSendResult.Failed("remote-server-timeout", $"connection to {Remote} lost"));
        }
    }

    private async Task FinishAsync(string condition, string text)
    {
        List<(XElement Stanza, TaskCompletionSource<XmppSendResult> Done)> pending;
        XmppChannel? channel;
        bool wasReady;
        lock (_gate)
        {
            _closed = true;
            wasReady = _ready;
            pending = [.. _queue];
            _queue.Clear();
            channel = _channel;
        }
        foreach (var (_, done) in pending)
        {
            done.TrySetResult(XmppSendResult.Failed(condition, text));
        }
        if (channel is not null)
        {
            await channel.CloseAsync().ConfigureAwait(false);
        }
        if (wasReady)
        {
            _logger.LogInformation("Outbound XMPP stream {Local} -> {Remote} closed: {Reason}", Local, Remote, text);
        }
        else
        {
            _logger.LogWarning("Outbound XMPP stream {Local} -> {Remote} failed ({Condition}): {Reason}; {Count} stanza(s) bounced",
                Local, Remote, condition, text, pending.Count);
        }
    }
}

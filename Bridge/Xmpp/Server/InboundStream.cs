using System.Security.Cryptography;
using System.Threading.Channels;
using System.Xml.Linq;
using Bridge.Net;
using Bridge.Xmpp.Dialback;
using Bridge.Xmpp.Xml;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp.Server;

/// <summary>
/// An accepted S2S connection: receiving server for db:result (XEP-0220 §2.2.1) and authoritative server
/// for db:verify (§2.2.2); once a domain pair is verified, its stanzas go to the handler.
/// Verifications and stanza delivery run beside the read loop, so db:verify requests keep being answered
/// meanwhile: Prosody sends its db:verify for our key on its own outbound stream, which is this inbound
/// one, and a handler that answers with <see cref="XmppServer.SendAsync"/> waits for exactly that.
/// </summary>
internal sealed partial class InboundStream
{
    private const int MaxPendingVerifications = 16;
    private const int MaxPendingDeliveries = 1024;

    private readonly S2SContext _ctx;
    private readonly XmppChannel _channel;
    private readonly ILogger _logger;
    private readonly Func<XElement, Task> _handler;
    private readonly string _streamId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private readonly HashSet<(string Remote, string Local)> _verified = [];
    private readonly CancellationTokenSource _unauthenticated;
    private readonly Channel<XElement> _deliveries = Channel.CreateBounded<XElement>(
        new BoundedChannelOptions(MaxPendingDeliveries) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private int _pendingVerifications;
    private string _peer;

    public InboundStream(S2SContext ctx, StreamConnection connection, Func<XElement, Task> handler)
    {
        _ctx = ctx;
        _handler = handler;
        _logger = ctx.Loggers.CreateLogger<InboundStream>();
        _peer = connection.RemoteEndPoint.ToString();
        _channel = new XmppChannel(connection, ctx.Options, _logger, $"in {_peer}");
        // A stream that verifies no domain pair in this time is dropped (verify-only streams included).
        _unauthenticated = new CancellationTokenSource(ctx.Options.ConnectTimeout + ctx.Options.DialbackTimeout, ctx.Time);
    }

    public Task CloseAsync(string streamError) => _channel.CloseAsync(streamError);

    public async Task RunAsync()
    {
        var delivering = DeliverAsync();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_unauthenticated.Token, _ctx.Shutdown);
        try
        {
            while (!_channel.IsClosed && await _channel.NextAsync(linked.Token).ConfigureAwait(false) is { } ev)
            {
                switch (ev.Kind)
                {
                    case XmlStreamEventKind.StreamStart:
                        await OnStreamStartAsync(ev.Header!).ConfigureAwait(false);
                        break;
                    case XmlStreamEventKind.Element:
                        await OnElementAsync(ev.Element!).ConfigureAwait(false);
                        break;
                    case XmlStreamEventKind.StreamEnd:
                        await _channel.CloseAsync().ConfigureAwait(false);
                        break;
                    case XmlStreamEventKind.Error:
                        _logger.LogWarning("Inbound XMPP stream {Peer}: {Condition} {Text}", _peer, ev.ErrorCondition, ev.ErrorText);
                        await _channel.CloseAsync(ev.ErrorCondition, ev.ErrorText).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (_unauthenticated.IsCancellationRequested && !_ctx.Shutdown.IsCancellationRequested)
        {
            await _channel.CloseAsync("connection-timeout", "no domain pair verified in time").ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _channel.CloseAsync("system-shutdown").ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Inbound XMPP stream {Peer} failed", _peer);
            await _channel.CloseAsync("internal-server-error").ConfigureAwait(false);
        }
        finally
        {
            await _channel.DisposeAsync().ConfigureAwait(false);
            // Stanzas read before the close are still delivered, in order.
            _deliveries.Writer.TryComplete();
            await delivering.ConfigureAwait(false);
            int verified;
            lock (_verified)
            {
                verified = _verified.Count;
            }
            if (verified > 0)
            {
                _logger.LogInformation("Inbound XMPP stream {Peer} closed", _peer);
            }
            else
            {
                _logger.LogDebug("Inbound XMPP stream {Peer} closed without authentication", _peer);
            }
        }
    }

    private async Task OnStreamStartAsync(XmlStreamHeader header)
    {
        if (header.Name != XmppNamespaces.Streams + "stream" || header.DefaultNamespace != XmppNamespaces.Server)
        {
            // RFC 6120 §4.9.3.10: the content namespace of an S2S stream must be jabber:server.
            await _channel.CloseAsync("invalid-namespace", "expected a jabber:server stream").ConfigureAwait(false);
            return;
        }
        if (header.Version is { } version && (version.Split('.') is not [var major, _] || !int.TryParse(major, out var m) || m > 1))
        {
            // RFC 6120 §4.7.5, §4.9.3.25: a major version above ours (or no version number at all).
            await _channel.CloseAsync("unsupported-version", $"version {version} is not supported; 1.0 is").ConfigureAwait(false);
            return;
        }
        var to = header.To is null ? null : Jid.DomainOf(header.To);
        if (header.To is not null && !_ctx.IsLocal(to))
        {
            // RFC 6120 §4.9.3.6.
            _logger.LogInformation("Inbound XMPP stream {Peer}: refusing stream to {To}", _peer, header.To);
            await _channel.CloseAsync("host-unknown", $"{header.To} is not served here").ConfigureAwait(false);
            return;
        }
        var from = Jid.DomainOf(header.From);
        if (_headerFrom is null)
        {
            _peer = $"{from ?? "?"}->{to ?? "?"} {_peer}";
            _channel.Name = "in " + _peer;
        }
        _headerFrom = from;
        _headerTo = to;
        await _channel.SendHeaderAsync(to, from, _streamId, header.IsVersion1OrLater).ConfigureAwait(false);
        if (header.IsVersion1OrLater)
        {
            await _channel.SendAsync(CurrentFeatures()).ConfigureAwait(false);
        }
    }

    private async Task OnElementAsync(XElement element)
    {
        if (element.Name.Namespace == XmppNamespaces.Tls || element.Name.Namespace == XmppNamespaces.Sasl)
        {
            await OnSecurityElementAsync(element).ConfigureAwait(false);
            return;
        }
        if (await RefuseWithoutRequiredTlsAsync().ConfigureAwait(false))
        {
            return;
        }
        if (element.Name == DialbackElements.Result)
        {
            await OnDialbackResultAsync(element).ConfigureAwait(false);
        }
        else if (element.Name == DialbackElements.Verify)
        {
            if (element.Attribute("type") is not null)
            {
                // XEP-0220 §2.2 and §5.1: a verdict is never expected on an inbound stream (unsolicited dialback).
                _logger.LogWarning("Inbound XMPP stream {Peer}: ignoring unsolicited {Element}", _peer, element);
                return;
            }
            if (_ctx.AnswerVerify(element) is { } answer)
            {
                await _channel.SendAsync(answer).ConfigureAwait(false);
            }
            else
            {
                await _channel.CloseAsync("improper-addressing", "db:verify needs from, to and id").ConfigureAwait(false);
            }
        }
        else if (StanzaNamespace.IsStanza(element))
        {
            await OnStanzaAsync(element).ConfigureAwait(false);
        }
        else if (element.Name == XmppNamespaces.Streams + "error")
        {
            _logger.LogInformation("Inbound XMPP stream {Peer}: stream error {Error}", _peer, StreamFrames.ReadError(element));
            await _channel.CloseAsync().ConfigureAwait(false);
        }
        else
        {
            await _channel.CloseAsync("unsupported-stanza-type", $"unexpected element {element.Name}").ConfigureAwait(false);
        }
    }

    /// <summary>XEP-0220 step 1 received: check, then verify with the authoritative server in the background.</summary>
    private async Task OnDialbackResultAsync(XElement result)
    {
        if (result.Attribute("type") is not null)
        {
            _logger.LogWarning("Inbound XMPP stream {Peer}: ignoring unsolicited {Element}", _peer, result);
            return;
        }
        var remote = Jid.DomainOf((string?)result.Attribute("from"));
        var local = Jid.DomainOf((string?)result.Attribute("to"));
        if (remote is null || local is null)
        {
            await _channel.CloseAsync("improper-addressing", "db:result needs from and to").ConfigureAwait(false);
            return;
        }
        if (!_ctx.IsLocal(local))
        {
            // XEP-0220 §2.2.1: a dialback error, not a stream error; the stream may carry other pairs.
            await _channel.SendAsync(DialbackElements.Error(DialbackElements.Result, local, remote, null, "item-not-found")).ConfigureAwait(false);
            return;
        }
        if (!_ctx.Options.IsPeerAllowed(local, remote))
        {
            // Policy refusal as a dialback error; RFC 6120 §8.3.3.10 not-allowed is the condition for
            // "a blacklisted domain". Prosody closes its stream and bounces its queue on any error type.
            _logger.LogWarning("Inbound XMPP stream {Peer}: {Remote} may not talk to {Local}; dialback refused", _peer, remote, local);
            await _channel.SendAsync(DialbackElements.Error(DialbackElements.Result, local, remote, null, "not-allowed")).ConfigureAwait(false);
            return;
        }
        if (await RefuseDialbackWithoutCertificateAsync(remote, local).ConfigureAwait(false))
        {
            return;
        }
        if (Interlocked.Increment(ref _pendingVerifications) > MaxPendingVerifications)
        {
            Interlocked.Decrement(ref _pendingVerifications);
            await _channel.SendAsync(DialbackElements.Error(DialbackElements.Result, local, remote, null, "resource-constraint")).ConfigureAwait(false);
            return;
        }
        _ = VerifyAsync(remote, local, result.Value);
    }

    private async Task VerifyAsync(string remote, string local, string key)
    {
        try
        {
            var verdict = await _ctx.Verifier.VerifyAsync(local, remote, _streamId, key, _ctx.Shutdown).ConfigureAwait(false);
            switch (verdict)
            {
                case DialbackVerdict.Valid:
                    Authenticated(remote, local, "dialback");
                    await _channel.SendAsync(DialbackElements.ResultVerdict(local, remote, valid: true)).ConfigureAwait(false);
                    break;
                case DialbackVerdict.Invalid:
                    // XEP-0220 §2.2.1: after an invalid verdict the receiving server MUST close the stream.
                    _logger.LogWarning("Inbound XMPP stream {Peer}: key for {Remote} -> {Local} is invalid", _peer, remote, local);
                    await _channel.SendAsync(DialbackElements.ResultVerdict(local, remote, valid: false)).ConfigureAwait(false);
                    await _channel.CloseAsync().ConfigureAwait(false);
                    break;
                default:
                    // XEP-0220 §2.4.2: trouble in step 3 is reported as a dialback error.
                    var condition = verdict == DialbackVerdict.NotFound ? "remote-server-not-found" : "remote-server-timeout";
                    await _channel.SendAsync(DialbackElements.Error(DialbackElements.Result, local, remote, null, condition)).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the read loop closes the stream.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Dialback verification {Remote} -> {Local} failed", remote, local);
            await _channel.SendAsync(DialbackElements.Error(DialbackElements.Result, local, remote, null, "internal-server-error")).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingVerifications);
        }
    }

    private async Task OnStanzaAsync(XElement stanza)
    {
        bool anyVerified;
        bool pairVerified;
        var from = Jid.DomainOf((string?)stanza.Attribute("from"));
        var to = Jid.DomainOf((string?)stanza.Attribute("to"));
        lock (_verified)
        {
            anyVerified = _verified.Count > 0;
            pairVerified = from is not null && to is not null && _verified.Contains((from, to));
        }
        if (!anyVerified)
        {
            // RFC 6120 §4.9.3.12: stanzas before the stream is authenticated.
            await _channel.CloseAsync("not-authorized", "no domain pair verified on this stream").ConfigureAwait(false);
            return;
        }
        if (from is null || to is null)
        {
            // RFC 6120 §4.9.3.7: S2S stanzas need both addresses.
            await _channel.CloseAsync("improper-addressing", "stanza without a valid 'from' or 'to'").ConfigureAwait(false);
            return;
        }
        if (!_ctx.IsLocal(to))
        {
            await _channel.CloseAsync("host-unknown", $"{to} is not served here").ConfigureAwait(false);
            return;
        }
        if (!pairVerified)
        {
            // RFC 6120 §4.9.3.9: 'from' does not match a domain verified by dialback on this stream.
            _logger.LogWarning("Inbound XMPP stream {Peer}: stanza from unverified {From} to {To}", _peer, from, to);
            await _channel.CloseAsync("invalid-from", $"{from} is not verified for {to} on this stream").ConfigureAwait(false);
            return;
        }
        var normalized = StanzaNamespace.ToServer(stanza);
        _logger.LogDebug("Received from {From}: {Stanza}", from, normalized);
        // Back-pressure only when the handler is far behind; the read loop itself never runs the handler.
        await _deliveries.Writer.WriteAsync(normalized, _ctx.Shutdown).ConfigureAwait(false);
    }

    private async Task DeliverAsync()
    {
        await Task.Yield();
        await foreach (var stanza in _deliveries.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await _handler(stanza).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Stanza handler failed for {Stanza}", stanza);
            }
        }
    }
}

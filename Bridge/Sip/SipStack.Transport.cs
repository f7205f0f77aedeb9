using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bridge.Net;
using Microsoft.Extensions.Logging;

namespace Bridge.Sip;

/// <summary>The transport half of <see cref="SipStack"/>: sockets, receive loops and RFC 3261 §18.2.2 response routing.</summary>
public sealed partial class SipStack
{
    private readonly List<SipUdpChannel> _udp = [];
    private readonly List<TcpAcceptor> _acceptors = [];
    private readonly ConcurrentDictionary<IPEndPoint, SipTcpChannel> _connections = new();
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly ConcurrentBag<Task> _loops = [];
    private CancellationTokenSource? _stopping;
    private SipCompletedResponses? _completed;

    /// <summary>Binds every Listen endpoint (explicit addresses only, never the wildcard) and starts receiving.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        if (_stopping is not null)
        {
            throw new InvalidOperationException("the SIP stack was already started");
        }
        _stopping = new CancellationTokenSource();
        _completed = new SipCompletedResponses(_options, _time, _logger);
        var stop = _stopping.Token;
        foreach (var listen in _options.Listen)
        {
            ct.ThrowIfCancellationRequested();
            if (listen.EndPoint.Address.Equals(IPAddress.Any) || listen.EndPoint.Address.Equals(IPAddress.IPv6Any))
            {
                throw new ArgumentException($"SIP listen address {listen} is a wildcard; bind an explicit address");
            }
            switch (listen.Transport)
            {
                case SipTransport.Udp:
                    var udp = SipUdpChannel.Bind(listen.EndPoint);
                    _udp.Add(udp);
                    AddBound(new SipEndPoint(SipTransport.Udp, udp.LocalEndPoint));
                    // Several receives in flight on one socket: a single loop was the one consumer of every
                    // datagram (SIP->XMPP MESSAGEs, whose handlers run inline on it, and the 200s of XMPP->SIP), and
                    // with both directions at full load it saturated one core while SIP->XMPP waited behind the
                    // queue (bench/README.md, "What remains"). UDP gives no order to keep; the transaction tables
                    // are concurrent, and a retransmission racing its original meets it in _servers.
                    for (var i = 0; i < UdpReceiveLoops; i++)
                    {
                        _loops.Add(Task.Run(() => UdpLoopAsync(udp, stop), CancellationToken.None));
                    }
                    break;
                case SipTransport.Tcp:
                case SipTransport.Tls:
                    if (listen.Transport == SipTransport.Tls && _options.TlsCertificate is null)
                    {
                        throw new ArgumentException($"SIP listener {listen} needs a TLS certificate");
                    }
                    var acceptor = TcpAcceptor.Bind(listen.EndPoint);
                    _acceptors.Add(acceptor);
                    AddBound(new SipEndPoint(listen.Transport, acceptor.LocalEndPoint));
                    var transport = listen.Transport;
                    _loops.Add(Task.Run(() => AcceptLoopAsync(acceptor, transport, stop), CancellationToken.None));
                    break;
                default:
                    throw new NotSupportedException($"SIP transport {listen.Transport} is not implemented yet");
            }
            _logger.LogInformation("SIP listening on {EndPoint}", BoundEndPoints[^1]);
        }
        return Task.CompletedTask;
    }

    private void AddBound(SipEndPoint endPoint)
    {
        lock (_bound)
        {
            _bound.Add(endPoint);
        }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        var stopping = _stopping;
        if (stopping is null || stopping.IsCancellationRequested)
        {
            return;
        }
        await stopping.CancelAsync().ConfigureAwait(false);
        foreach (var udp in _udp)
        {
            udp.Dispose();
        }
        foreach (var acceptor in _acceptors)
        {
            await acceptor.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var channel in _connections.Values)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var client in _clients.Values)
        {
            client.OnTransportError("SIP stack stopped");
        }
        foreach (var server in _servers.Values)
        {
            server.Terminate();
        }
        _completed?.Dispose();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static readonly int UdpReceiveLoops = Math.Clamp(Environment.ProcessorCount, 2, 4);

    private async Task UdpLoopAsync(SipUdpChannel udp, CancellationToken stop)
    {
        var buffer = new byte[Math.Max(_options.Limits.MaxMessageBytes + 1, 65536)];
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await udp.ReceiveAsync(buffer, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // ICMP errors from earlier sends surface here on some systems; the socket is still good.
                _logger.LogDebug("SIP UDP receive on {Local}: {Error}", udp.LocalEndPoint, e.SocketErrorCode);
                continue;
            }
            var remote = new SipEndPoint(SipTransport.Udp, (IPEndPoint)received.RemoteEndPoint);
            try
            {
                OnDatagram(new ReadOnlySequence<byte>(buffer, 0, received.ReceivedBytes), remote, udp);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogError(e, "SIP datagram from {Remote} could not be processed", remote);
            }
        }
    }

    private void OnDatagram(ReadOnlySequence<byte> datagram, SipEndPoint remote, SipUdpChannel udp)
    {
        var status = SipParser.ParseDatagram(datagram, _options.Limits, out var message, out var error);
        if (status == SipParseStatus.Complete)
        {
            Dispatch(message!, remote, udp.LocalEndPoint, null);
            return;
        }
        _ = RejectMalformed(status, message, error, remote, udp.LocalEndPoint, null);
    }

    private void Dispatch(SipMessage message, SipEndPoint remote, IPEndPoint local, SipTcpChannel? channel)
    {
        if (message is SipResponse response)
        {
            OnResponse(response, remote);
        }
        else
        {
            OnRequest((SipRequest)message, remote, local, channel);
        }
    }

    /// <summary>
    /// Answers 400/505/513 when the request carries enough to route a response (RFC 3261 §8.2.2, §18.3); otherwise
    /// drops, as for every malformed response (RFC 4475 §3.1.2.5, §3.1.2.19: a response is never answered).
    /// </summary>
    private Task RejectMalformed(SipParseStatus status, SipMessage? message, string? error, SipEndPoint remote, IPEndPoint local, SipTcpChannel? channel)
    {
        // Over a stream the answer goes back on the connection (RFC 3261 §18.2.2), so a Via that does not parse
        // (RFC 4475 §3.1.2.1 badinv01) is no reason to leave the request unanswered there; over UDP it is.
        var routable = message is SipRequest { TopVia: not null } || (channel is not null && message?.Headers[SipHeaderNames.Via] is not null);
        if (message is SipRequest request && request.Method != "ACK" && routable
            && request.Headers[SipHeaderNames.From] is not null && request.Headers[SipHeaderNames.To] is not null
            && request.CallId is not null && request.Headers[SipHeaderNames.CSeq] is not null)
        {
            var (code, reason) = error is SipParser.TooManyHeadersError or SipParser.LineTooLongError ? (400, error)
                : status == SipParseStatus.TooLarge ? (513, SipReasonPhrases.For(513))
                : error == SipParser.VersionNotSupportedError ? (505, SipReasonPhrases.For(505))
                : (400, error ?? "Bad Request");
            _logger.LogInformation("Malformed SIP {Method} from {Remote} answered {Code}: {Error}", request.Method, remote, code, error);
            StampVia(request, remote.EndPoint);
            var response = CreateResponse(request, code, SanitizeReason(reason));
            return SendResponseOnWireSafeAsync(response, remote, local, channel);
        }
        _logger.LogInformation("Malformed SIP message from {Remote} dropped ({Status}): {Error}", remote, status, error);
        return Task.CompletedTask;
    }

    private static string SanitizeReason(string reason) => new([.. reason.Where(c => c >= ' ' && c != 0x7F)]);

    private async Task SendResponseOnWireSafeAsync(SipResponse response, SipEndPoint remote, IPEndPoint local, SipTcpChannel? channel)
    {
        try
        {
            await SendResponseOnWireAsync(response, remote, local, channel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogInformation("SIP {Status} to {Remote} not sent: {Error}", response.StatusCode, remote, e.Message);
        }
    }

    /// <summary>RFC 3261 §18.2.2 with RFC 3581: over a stream, the same connection; over UDP, received/rport.</summary>
    private async Task SendResponseOnWireAsync(SipResponse response, SipEndPoint remote, IPEndPoint local, SipTcpChannel? channel)
    {
        if (channel is not null)
        {
            await channel.SendAsync(response).ConfigureAwait(false);
            return;
        }
        using var datagram = new PooledBufferWriter();
        SipSerializer.Write(response, datagram);
        await UdpOn(local).SendAsync(datagram.WrittenMemory, ResponseTarget(response, remote)).ConfigureAwait(false);
    }

    private SipUdpChannel UdpOn(IPEndPoint local) =>
        _udp.FirstOrDefault(u => u.LocalEndPoint.Equals(local)) ?? throw new IOException($"no UDP socket on {local}");

    private static IPEndPoint ResponseTarget(SipResponse response, SipEndPoint remote)
    {
        if (response.TopVia is not { } via)
        {
            return remote.EndPoint;
        }
        var address = via.Received is { } received && IPAddress.TryParse(received, out var r) ? r : remote.EndPoint.Address;
        var port = via.Parameters.TryGetValue("rport", out var rport) && int.TryParse(rport, NumberStyles.None, CultureInfo.InvariantCulture, out var rp)
            ? rp
            : via.Port ?? 5060;
        return new IPEndPoint(address, port);
    }

    /// <summary>
    /// The final response of a UDP server transaction: serialized once, remembered as bytes for timer J
    /// (<see cref="SipCompletedResponses"/>) before the transaction object is dropped, then sent.
    /// </summary>
    private async Task CompleteOverUdpAsync(SipServerTransactionCore transaction, SipResponse response, SipEndPoint remote, IPEndPoint local)
    {
        try
        {
            var udp = UdpOn(local);
            var target = ResponseTarget(response, remote);
            var bytes = SipSerializer.ToBytes(response);
            _completed?.Add(transaction.Key, bytes, target, udp);
            await udp.SendAsync(bytes, target).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // RFC 3261 §17.2.4: the TU is informed; here by the log, as the handler cannot do better.
            _logger.LogWarning("SIP response {Status} to {Remote} could not be sent: {Error}", response.StatusCode, remote, e.Message);
        }
    }

    private async Task SendRequestOnWireAsync(SipRequest request, SipEndPoint destination, SipEndPoint? local, CancellationToken ct)
    {
        if (local is null)
        {
            throw new IOException($"no {destination.Transport} listener");
        }
        if (destination.Transport == SipTransport.Udp)
        {
            var udp = _udp.First(u => u.LocalEndPoint.Equals(local.EndPoint));
            // Serialized per (re)transmission into a pooled buffer: retransmissions are rare, a byte[] per
            // message is not.
            using var datagram = new PooledBufferWriter();
            SipSerializer.Write(request, datagram);
            await udp.SendAsync(datagram.WrittenMemory, destination.EndPoint).ConfigureAwait(false);
            return;
        }
        var channel = await GetOrConnectAsync(destination, local.EndPoint, ct).ConfigureAwait(false);
        await channel.SendAsync(request).ConfigureAwait(false);
    }

    private async Task<SipTcpChannel> GetOrConnectAsync(SipEndPoint destination, IPEndPoint listen, CancellationToken ct)
    {
        var remote = destination.EndPoint;
        if (_connections.TryGetValue(remote, out var existing) && !existing.IsClosed)
        {
            return existing;
        }
        // While a peer is down, requests queue here behind the one that is (re)connecting (SipStack.Reconnect.cs).
        if (!TryEnterWaiting(remote))
        {
            throw new IOException($"more than {_options.MaxWaitingPerConnection} requests waiting for a connection to {remote}", QueueFull());
        }
        try
        {
            await _connectLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (_connections.TryGetValue(remote, out existing) && !existing.IsClosed)
                {
                    return existing;
                }
                var connection = await ConnectWithRetryAsync(remote, listen.Address, ct).ConfigureAwait(false);
                IReadOnlyList<string> domains = [];
                if (destination.Transport == SipTransport.Tls)
                {
                    // The handshake is not retried: a peer that answers TCP but refuses our TLS will refuse it again.
                    domains = await SecureAsClientAsync(connection, ct).ConfigureAwait(false);
                }
                var channel = new SipTcpChannel(connection, listen, destination.Transport, domains);
                _connections[remote] = channel;
                _loops.Add(Task.Run(() => ConnectionLoopAsync(channel, _stopping!.Token), CancellationToken.None));
                return channel;
            }
            finally
            {
                _connectLock.Release();
            }
        }
        finally
        {
            LeaveWaiting(remote);
        }
    }

    private async Task AcceptLoopAsync(TcpAcceptor acceptor, SipTransport transport, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var connection = await acceptor.AcceptAsync(stop).ConfigureAwait(false);
            if (connection is null)
            {
                return;
            }
            if (transport == SipTransport.Tls)
            {
                // The handshake runs beside the accept loop so a slow peer cannot hold up the others.
                _ = Task.Run(() => AcceptTlsAsync(connection, acceptor.LocalEndPoint, stop), CancellationToken.None);
                continue;
            }
            var channel = new SipTcpChannel(connection, acceptor.LocalEndPoint);
            _connections[connection.RemoteEndPoint] = channel;
            _ = Task.Run(() => ConnectionLoopAsync(channel, stop), CancellationToken.None);
        }
    }

    private async Task ConnectionLoopAsync(SipTcpChannel channel, CancellationToken stop)
    {
        var remote = new SipEndPoint(channel.Transport, channel.RemoteEndPoint);
        var local = channel.Connection.LocalEndPoint;
        var input = channel.Connection.Transport.Input;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var result = await input.ReadAsync(stop).ConfigureAwait(false);
                var buffer = result.Buffer;
                var items = ParseStream(ref buffer, out var fatal);
                input.AdvanceTo(buffer.Start, buffer.End);
                foreach (var (status, message, error, framed) in items)
                {
                    if (status == SipParseStatus.Complete)
                    {
                        Dispatch(message!, remote, channel.ListenEndPoint, channel);
                    }
                    else
                    {
                        await RejectMalformed(status, message, error, remote, local, channel).ConfigureAwait(false);
                        if (!framed)
                        {
                            _logger.LogInformation("SIP connection {Remote} closed after a framing error: {Error}", remote, error);
                        }
                    }
                }
                if (fatal || result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
        {
            _logger.LogDebug("SIP connection {Remote} ended: {Error}", remote, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogError(e, "SIP connection {Remote} failed", remote);
        }
        finally
        {
            _connections.TryRemove(new KeyValuePair<IPEndPoint, SipTcpChannel>(channel.RemoteEndPoint, channel));
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Frames every complete message in <paramref name="buffer"/>; leaves it at the first unconsumed byte.</summary>
    private List<(SipParseStatus Status, SipMessage? Message, string? Error, bool Framed)> ParseStream(ref ReadOnlySequence<byte> buffer, out bool fatal)
    {
        var items = new List<(SipParseStatus, SipMessage?, string?, bool)>();
        fatal = false;
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            var status = SipParser.TryParse(ref reader, _options.Limits, out var message, out var error, out var framed);
            buffer = buffer.Slice(reader.Position);
            if (status == SipParseStatus.NeedMoreData)
            {
                return items;
            }
            items.Add((status, message, error, framed));
            if (status != SipParseStatus.Complete && !framed)
            {
                fatal = true;
                return items;
            }
        }
    }
}

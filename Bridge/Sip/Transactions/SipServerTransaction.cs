using System.Net;
using Microsoft.Extensions.Logging;

namespace Bridge.Sip;

/// <summary>
/// Non-INVITE server transaction, RFC 3261 §17.2.2 (Figure 8). Request retransmissions are absorbed; once a
/// response was sent, each retransmission re-sends the last one. After the final response timer J (64*T1,
/// zero over reliable transports) keeps the transaction around to answer late retransmissions.
/// </summary>
public sealed class SipServerTransaction
{
    private enum State { Trying, Proceeding, Completed, Terminated }

    private readonly Lock _lock = new();
    private readonly SipStackOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<SipResponse, Task> _send;
    private readonly Action<SipServerTransaction> _terminated;
    private readonly ILogger _logger;
    private State _state = State.Trying;
    private SipResponse? _last;
    private ITimer? _timerJ;

    internal SipServerTransaction(SipRequest request, SipEndPoint remote, IPEndPoint local, string key, SipStackOptions options,
        TimeProvider time, Func<SipResponse, Task> send, Action<SipServerTransaction> terminated, ILogger logger)
    {
        Request = request;
        Remote = remote;
        Local = local;
        Key = key;
        _options = options;
        _time = time;
        _send = send;
        _terminated = terminated;
        _logger = logger;
    }

    public SipRequest Request { get; }

    /// <summary>Where the request came from (source address, not the Via).</summary>
    public SipEndPoint Remote { get; }

    /// <summary>
    /// For requests over TLS: the SIP domains the peer's certificate authenticates (mutual TLS, RFC 5922 §7.1).
    /// Empty over UDP and TCP, where only the source address is known.
    /// </summary>
    public IReadOnlyList<string> TlsDomains { get; init; } = [];

    /// <summary>Our address the request arrived on.</summary>
    public IPEndPoint Local { get; }

    internal string Key { get; }

    internal bool Reliable => Remote.Transport != SipTransport.Udp;

    public bool HasFinalResponse
    {
        get
        {
            lock (_lock)
            {
                return _state is State.Completed or State.Terminated;
            }
        }
    }

    /// <summary>
    /// Sends a provisional or final response. A second final response is a programming error and throws
    /// <see cref="InvalidOperationException"/>; transport failures are logged, not thrown.
    /// </summary>
    public async Task SendResponseAsync(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (_lock)
        {
            if (_state is State.Completed or State.Terminated)
            {
                throw new InvalidOperationException($"a final response was already sent for {Request.Method} {Key}");
            }
            _last = response;
            if (response.IsProvisional)
            {
                _state = State.Proceeding;
            }
            else
            {
                _state = State.Completed;
                if (!Reliable)
                {
                    _timerJ = _time.CreateTimer(_ => Terminate(), null, 64 * _options.T1, Timeout.InfiniteTimeSpan);
                }
            }
        }
        await TransmitAsync(response).ConfigureAwait(false);
        if (Reliable && !response.IsProvisional)
        {
            // Timer J is zero over reliable transports.
            Terminate();
        }
    }

    /// <summary>A retransmission of <see cref="Request"/> arrived.</summary>
    internal void OnRequestRetransmission()
    {
        SipResponse? last;
        lock (_lock)
        {
            last = _state is State.Proceeding or State.Completed ? _last : null;
        }
        if (last is not null)
        {
            _ = TransmitAsync(last);
        }
    }

    internal void Terminate()
    {
        lock (_lock)
        {
            if (_state == State.Terminated)
            {
                return;
            }
            _state = State.Terminated;
            _timerJ?.Dispose();
        }
        _terminated(this);
    }

    private async Task TransmitAsync(SipResponse response)
    {
        try
        {
            await _send(response).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // RFC 3261 §17.2.4: the TU is informed; here by the log, as the handler cannot do better.
            _logger.LogWarning("SIP response {Status} for {Method} to {Remote} could not be sent: {Error}",
                response.StatusCode, Request.Method, Remote, e.Message);
        }
    }
}

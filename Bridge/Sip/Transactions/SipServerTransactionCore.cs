using Microsoft.Extensions.Logging;

namespace Bridge.Sip;

/// <summary>
/// The state machine of a non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8) without the request. Over UDP,
/// timer J keeps it 32 s after the final response to answer retransmissions; the stack's table and the timer hold
/// only this object, so the parsed request (in <see cref="SipServerTransaction"/>) is garbage as soon as its handler
/// is done with it. Holding the whole transaction kept ~300k parsed requests live at 10k msg/s (bench/README.md).
/// </summary>
internal sealed class SipServerTransactionCore
{
    private enum State { Trying, Proceeding, Completed, Terminated }

    private readonly Lock _lock = new();
    private readonly string _method;
    private readonly SipStackOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<SipResponse, Task> _send;
    private readonly Action<SipServerTransactionCore> _terminated;
    private readonly ILogger _logger;
    private readonly Func<SipServerTransactionCore, SipResponse, Task>? _handOff;
    private State _state = State.Trying;
    private SipResponse? _last;
    private ITimer? _timerJ;

    public SipServerTransactionCore(string method, SipEndPoint remote, string key, SipStackOptions options, TimeProvider time,
        Func<SipResponse, Task> send, Action<SipServerTransactionCore> terminated, ILogger logger,
        Func<SipServerTransactionCore, SipResponse, Task>? handOff = null)
    {
        _handOff = handOff;
        _method = method;
        Remote = remote;
        Key = key;
        _options = options;
        _time = time;
        _send = send;
        _terminated = terminated;
        _logger = logger;
    }

    public string Key { get; }

    public SipEndPoint Remote { get; }

    public bool Reliable => Remote.Transport != SipTransport.Udp;

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

    public async Task SendResponseAsync(SipResponse response)
    {
        lock (_lock)
        {
            if (_state is State.Completed or State.Terminated)
            {
                throw new InvalidOperationException($"a final response was already sent for {_method} {Key}");
            }
            _last = response;
            if (response.IsProvisional)
            {
                _state = State.Proceeding;
            }
            else
            {
                _state = State.Completed;
                if (!Reliable && _handOff is null)
                {
                    _timerJ = _time.CreateTimer(static c => ((SipServerTransactionCore)c!).Terminate(), this, 64 * _options.T1, Timeout.InfiniteTimeSpan);
                }
            }
        }
        if (!Reliable && !response.IsProvisional && _handOff is not null)
        {
            // The stack keeps the Completed state as bytes (SipCompletedResponses) and sends them; this object,
            // its closures and the response need not live through timer J.
            await _handOff(this, response).ConfigureAwait(false);
            Terminate();
            return;
        }
        await TransmitAsync(response).ConfigureAwait(false);
        if (Reliable && !response.IsProvisional)
        {
            // Timer J is zero over reliable transports.
            Terminate();
        }
    }

    public void OnRequestRetransmission()
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

    public void Terminate()
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
                response.StatusCode, _method, Remote, e.Message);
        }
    }
}

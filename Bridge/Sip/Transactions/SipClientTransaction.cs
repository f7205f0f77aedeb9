using Microsoft.Extensions.Logging;

namespace Bridge.Sip;

/// <summary>
/// Non-INVITE client transaction, RFC 3261 §17.1.2.2 (Figure 6). Over unreliable transports timer E
/// retransmits at T1, 2T1, 4T1... capped at T2 (and every T2 once Proceeding); timer F (64*T1) gives up with a
/// synthesized 408; timer K (T4, zero when reliable) absorbs response retransmissions before termination.
/// </summary>
internal sealed class SipClientTransaction
{
    private enum State { Calling, Trying, Proceeding, Completed, Terminated }

    private readonly Lock _lock = new();
    private readonly SipStackOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<SipRequest, Task> _send;
    private readonly Action<SipClientTransaction> _terminated;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<SipResponse> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private State _state = State.Calling;
    private ITimer? _timerE;
    private ITimer? _timerF;
    private ITimer? _timerK;
    private TimeSpan _intervalE;

    public SipClientTransaction(SipRequest request, string key, bool reliable, SipStackOptions options, TimeProvider time,
        Func<SipRequest, Task> send, Action<SipClientTransaction> terminated, ILogger logger)
    {
        Request = request;
        Key = key;
        Reliable = reliable;
        _options = options;
        _time = time;
        _send = send;
        _terminated = terminated;
        _logger = logger;
    }

    public SipRequest Request { get; }

    public string Key { get; }

    public bool Reliable { get; }

    /// <summary>The final response: received, or synthesized 408 (timer F) / 503 (transport error).</summary>
    public Task<SipResponse> Completion => _result.Task;

    public bool IsTerminated
    {
        get
        {
            lock (_lock)
            {
                return _state == State.Terminated;
            }
        }
    }

    public void Start()
    {
        lock (_lock)
        {
            if (_state != State.Calling)
            {
                return;
            }
            _state = State.Trying;
            _timerF = _time.CreateTimer(_ => OnTimerF(), null, 64 * _options.T1, Timeout.InfiniteTimeSpan);
            if (!Reliable)
            {
                _intervalE = _options.T1;
                _timerE = _time.CreateTimer(_ => OnTimerE(), null, _intervalE, Timeout.InfiniteTimeSpan);
            }
        }
        Transmit();
    }

    public void OnResponse(SipResponse response)
    {
        lock (_lock)
        {
            switch (_state)
            {
                case State.Trying or State.Proceeding when response.IsProvisional:
                    _state = State.Proceeding;
                    return;
                case State.Trying or State.Proceeding:
                    _state = State.Completed;
                    _timerE?.Dispose();
                    _timerF?.Dispose();
                    _result.TrySetResult(response);
                    if (!Reliable)
                    {
                        _timerK = _time.CreateTimer(_ => Terminate(), null, _options.T4, Timeout.InfiniteTimeSpan);
                        return;
                    }
                    break;
                default:
                    // Completed: retransmitted responses are absorbed until timer K fires.
                    return;
            }
        }
        Terminate();
    }

    /// <summary>RFC 3261 §17.1.4: a transport failure ends the transaction; the TU sees a 503.</summary>
    public void OnTransportError(string reason)
    {
        lock (_lock)
        {
            if (_state is State.Completed or State.Terminated)
            {
                return;
            }
        }
        _logger.LogInformation("SIP {Method} transaction {Key}: transport error: {Reason}", Request.Method, Key, reason);
        Fail(503, "Service Unavailable");
    }

    public void Cancel()
    {
        _result.TrySetCanceled();
        Terminate();
    }

    private void OnTimerE()
    {
        lock (_lock)
        {
            if (_state is not (State.Trying or State.Proceeding))
            {
                return;
            }
            _intervalE = _state == State.Proceeding ? _options.T2 : TimeSpan.FromTicks(Math.Min(_intervalE.Ticks * 2, _options.T2.Ticks));
            _timerE?.Change(_intervalE, Timeout.InfiniteTimeSpan);
        }
        Transmit();
    }

    private void OnTimerF()
    {
        lock (_lock)
        {
            if (_state is not (State.Trying or State.Proceeding))
            {
                return;
            }
        }
        _logger.LogInformation("SIP {Method} transaction {Key}: timer F fired, no final response", Request.Method, Key);
        Fail(408, "Request Timeout");
    }

    private void Fail(int status, string reason)
    {
        var response = new SipResponse(status, reason);
        foreach (var name in (string[])[SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq])
        {
            foreach (var v in Request.Headers.GetAll(name))
            {
                response.Headers.Add(name, v);
            }
        }
        _result.TrySetResult(response);
        Terminate();
    }

    private void Terminate()
    {
        lock (_lock)
        {
            if (_state == State.Terminated)
            {
                return;
            }
            _state = State.Terminated;
            _timerE?.Dispose();
            _timerF?.Dispose();
            _timerK?.Dispose();
        }
        _terminated(this);
    }

    private void Transmit()
    {
        Task sending;
        try
        {
            sending = _send(Request);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            OnTransportError(e.Message);
            return;
        }
        sending.ContinueWith(
            t => OnTransportError(t.Exception?.GetBaseException().Message ?? "send failed"),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}

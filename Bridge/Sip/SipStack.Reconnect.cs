using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bridge.Net;
using Microsoft.Extensions.Logging;

namespace Bridge.Sip;

/// <summary>
/// Opening an outbound stream connection (TCP now, TLS alike: the retried step is whatever opens it) to a
/// SIP peer that may be restarting: failed connects are retried with <see cref="SipStackOptions.ConnectRetry"/>
/// until <see cref="SipStackOptions.ConnectDeadline"/>; requests for that peer wait meanwhile, at most
/// <see cref="SipStackOptions.MaxWaitingPerConnection"/> of them. A request that cannot wait or whose
/// deadline passes fails its send, which its client transaction reports as a synthesized 503.
/// </summary>
public sealed partial class SipStack
{
    private readonly ConcurrentDictionary<IPEndPoint, int> _waiting = new();

    private async Task<StreamConnection> ConnectWithRetryAsync(IPEndPoint remote, IPAddress local, CancellationToken ct)
    {
        if (_options.ConnectRetry is not { } retry)
        {
            return await StreamConnection.ConnectAsync(remote, local, ct).ConfigureAwait(false);
        }
        using var deadline = new CancellationTokenSource(_options.ConnectDeadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var pipeline = retry.Build(_time, linked.Token, (attempt, delay, error) =>
            _logger.LogWarning("SIP connect to {Remote}: attempt {Attempt} failed ({Error}); retrying in {Delay}", remote, attempt, error?.Message, delay));
        try
        {
            var attempt = 0;
            return await pipeline.ExecuteAsync(async token =>
            {
                _logger.LogDebug("SIP connect to {Remote}: attempt {Attempt} starting", remote, ++attempt);
                return await StreamConnection.ConnectAsync(remote, local, token).ConfigureAwait(false);
            }, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"no connection to {remote} within {_options.ConnectDeadline.TotalSeconds:0.#} s"));
        }
    }

    /// <summary>Counts a request waiting for the connection to <paramref name="remote"/>; false when too many already wait.</summary>
    private bool TryEnterWaiting(IPEndPoint remote)
    {
        var count = _waiting.AddOrUpdate(remote, 1, (_, n) => n + 1);
        if (count <= _options.MaxWaitingPerConnection)
        {
            return true;
        }
        LeaveWaiting(remote);
        return false;
    }

    private void LeaveWaiting(IPEndPoint remote)
    {
        if (_waiting.AddOrUpdate(remote, 0, (_, n) => n - 1) <= 0)
        {
            _waiting.TryRemove(new KeyValuePair<IPEndPoint, int>(remote, 0));
        }
    }

    private static SocketException QueueFull() => new((int)SocketError.NoBufferSpaceAvailable);
}

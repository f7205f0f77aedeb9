using System.Net;
using Microsoft.Extensions.Logging;

namespace Bridge.Sip;

/// <summary>
/// Non-INVITE server transaction, RFC 3261 §17.2.2 (Figure 8), as the request handler sees it. Request
/// retransmissions are absorbed; once a response was sent, each retransmission re-sends the last one. After the final
/// response timer J (64*T1, zero over reliable transports) keeps the state machine (<see cref="SipServerTransactionCore"/>,
/// which does not hold the request) around to answer late retransmissions.
/// </summary>
public sealed class SipServerTransaction
{
    internal SipServerTransaction(SipRequest request, SipEndPoint remote, IPEndPoint local, string key, SipStackOptions options,
        TimeProvider time, Func<SipResponse, Task> send, Action<SipServerTransaction> terminated, ILogger logger)
    {
        Request = request;
        Local = local;
        // This callback refers back to the transaction, so it keeps the request alive; the stack uses the other
        // constructor, whose callback only sees the core.
        Core = new SipServerTransactionCore(request.Method, remote, key, options, time, send, _ => terminated(this), logger);
    }

    internal SipServerTransaction(SipRequest request, IPEndPoint local, SipServerTransactionCore core)
    {
        Request = request;
        Local = local;
        Core = core;
    }

    public SipRequest Request { get; }

    /// <summary>Where the request came from (source address, not the Via).</summary>
    public SipEndPoint Remote => Core.Remote;

    /// <summary>
    /// For requests over TLS: the SIP domains the peer's certificate authenticates (mutual TLS, RFC 5922 §7.1).
    /// Empty over UDP and TCP, where only the source address is known.
    /// </summary>
    public IReadOnlyList<string> TlsDomains { get; init; } = [];

    /// <summary>Our address the request arrived on.</summary>
    public IPEndPoint Local { get; }

    internal string Key => Core.Key;

    internal SipServerTransactionCore Core { get; }

    internal bool Reliable => Core.Reliable;

    public bool HasFinalResponse => Core.HasFinalResponse;

    /// <summary>
    /// Sends a provisional or final response. A second final response is a programming error and throws
    /// <see cref="InvalidOperationException"/>; transport failures are logged, not thrown.
    /// </summary>
    public Task SendResponseAsync(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Core.SendResponseAsync(response);
    }

    /// <summary>A retransmission of <see cref="Request"/> arrived.</summary>
    internal void OnRequestRetransmission() => Core.OnRequestRetransmission();

    internal void Terminate() => Core.Terminate();
}

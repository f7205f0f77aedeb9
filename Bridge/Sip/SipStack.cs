using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Bridge.Sip;

/// <summary>
/// SIP transport and transaction layers (RFC 3261 §17, §18; RFC 3581 rport) for non-INVITE requests.
/// Receive loops never throw; a failing connection only affects itself.
/// </summary>
public sealed partial class SipStack : IAsyncDisposable
{
    private readonly SipStackOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SipStack> _logger;
    private readonly ConcurrentDictionary<string, SipClientTransaction> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SipServerTransactionCore> _servers = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<SipRequest, string> _toTags = [];
    private readonly List<SipEndPoint> _bound = [];

    public SipStack(SipStackOptions options, TimeProvider time, ILogger<SipStack> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Called for each new non-ACK request. Exceptions are caught, logged and answered 500; a handler whose task
    /// ends without a final response gets a 500 sent for it.
    /// </summary>
    public Func<SipServerTransaction, Task>? RequestHandler { get; set; }

    /// <summary>The endpoints actually bound (ports resolved), after <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<SipEndPoint> BoundEndPoints
    {
        get
        {
            lock (_bound)
            {
                return [.. _bound];
            }
        }
    }

    public static string NewTag() => RandomHex(8);

    public static string NewCallId(string host) => $"{RandomHex(16)}@{host}";

    public static string NewBranch() => SipVia.MagicCookie + RandomHex(12);

    private static string RandomHex(int bytes) => SipRandom.Hex(bytes);

    /// <summary>
    /// Builds a response per RFC 3261 §8.2.6.2: Via (all), From, To, Call-ID and CSeq copied; a To-tag added when
    /// absent and the status is above 100 (the same tag for every response to this request). A 101-299 response to a
    /// dialog-creating request (SUBSCRIBE, INVITE, REFER, NOTIFY) also copies Record-Route, as §12.1.1 requires, so the
    /// peer's route set keeps the proxies that asked to stay on the path.
    /// </summary>
    public SipResponse CreateResponse(SipRequest request, int statusCode, string? reasonPhrase = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new SipResponse(statusCode, reasonPhrase ?? SipReasonPhrases.For(statusCode));
        foreach (var via in request.Headers.GetAll(SipHeaderNames.Via))
        {
            response.Headers.Add(SipHeaderNames.Via, via);
        }
        foreach (var from in request.Headers.GetAll(SipHeaderNames.From))
        {
            response.Headers.Add(SipHeaderNames.From, from);
        }
        if (request.Headers[SipHeaderNames.To] is { } to)
        {
            if (statusCode > 100 && SipNameAddr.TryParse(to, out var toAddr) && toAddr.Tag is null)
            {
                to = toAddr.WithTag(_toTags.GetValue(request, _ => NewTag())).ToString();
            }
            response.Headers.Add(SipHeaderNames.To, to);
        }
        foreach (var name in (string[])[SipHeaderNames.CallId, SipHeaderNames.CSeq])
        {
            if (request.Headers[name] is { } value)
            {
                response.Headers.Add(name, value);
            }
        }
        if (statusCode is > 100 and < 300 && request.Method is "SUBSCRIBE" or "INVITE" or "REFER" or "NOTIFY")
        {
            foreach (var route in request.Headers.GetAll(SipHeaderNames.RecordRoute))
            {
                response.Headers.Add(SipHeaderNames.RecordRoute, route);
            }
        }
        return response;
    }

    /// <summary>
    /// Runs a non-INVITE client transaction (RFC 3261 §17.1.2) and returns its final response. Adds our top Via
    /// (with a fresh branch and rport), Max-Forwards: 70 when absent; provisional responses are not reported.
    /// Timer F gives a synthesized 408, a transport failure a synthesized 503.
    /// </summary>
    public async Task<SipResponse> SendRequestAsync(SipRequest request, SipEndPoint destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(destination);
        if (request.Method is "INVITE" or "ACK")
        {
            throw new ArgumentException($"{request.Method} needs an INVITE transaction, which this stack does not implement", nameof(request));
        }
        var local = BoundEndPoints.FirstOrDefault(b => b.Transport == destination.Transport && b.EndPoint.AddressFamily == destination.EndPoint.AddressFamily);
        var branch = NewBranch();
        var sentBy = local is null ? "invalid.invalid" : $"{SipSyntax.FormatHost(local.EndPoint.Address)}:{local.EndPoint.Port}";
        request.Headers.InsertFirst(SipHeaderNames.Via, $"SIP/2.0/{destination.Transport.ToString().ToUpperInvariant()} {sentBy};branch={branch};rport");
        if (request.Headers[SipHeaderNames.MaxForwards] is null)
        {
            request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        }
        var key = ClientKey(branch, request.Method);
        var reliable = destination.Transport != SipTransport.Udp;
        var transaction = new SipClientTransaction(request, key, reliable, _options, _time,
            r => SendRequestOnWireAsync(r, destination, local, ct),
            t => _clients.TryRemove(new KeyValuePair<string, SipClientTransaction>(t.Key, t)),
            _logger);
        _clients[key] = transaction;
        if (local is null)
        {
            transaction.OnTransportError($"no {destination.Transport} listener for {destination.EndPoint.AddressFamily}");
        }
        else
        {
            transaction.Start();
        }
        using (ct.Register(transaction.Cancel))
        {
            return await transaction.Completion.ConfigureAwait(false);
        }
    }

    private static string ClientKey(string branch, string method) => branch + "|" + method;

    private void OnResponse(SipResponse response, SipEndPoint remote)
    {
        var via = response.TopVia;
        var method = response.CSeqMethod;
        if (via?.Branch is { } branch && method is not null && _clients.TryGetValue(ClientKey(branch, method), out var transaction))
        {
            transaction.OnResponse(response);
            return;
        }
        _logger.LogDebug("Stray SIP response {Status} from {Remote} (branch {Branch}, CSeq method {Method}) dropped",
            response.StatusCode, remote, via?.Branch, method);
    }

    private void OnRequest(SipRequest request, SipEndPoint remote, IPEndPoint local, SipTcpChannel? channel)
    {
        if (request.Method == "ACK")
        {
            // No INVITE support yet: an ACK belongs to no transaction here (RFC 3261 §17.2.3 would match INVITE).
            _logger.LogDebug("SIP ACK from {Remote} ignored (no INVITE transactions)", remote);
            return;
        }
        var key = ServerKey(request);
        StampVia(request, remote.EndPoint);
        if (_servers.TryGetValue(key, out var existing))
        {
            existing.OnRequestRetransmission();
            return;
        }
        if (_completed?.TryRetransmit(key) == true)
        {
            return;
        }
        var core = new SipServerTransactionCore(request.Method, remote, key, _options, _time,
            response => SendResponseOnWireAsync(response, remote, local, channel),
            c => _servers.TryRemove(new KeyValuePair<string, SipServerTransactionCore>(c.Key, c)),
            _logger,
            channel is null ? (c, response) => CompleteOverUdpAsync(c, response, remote, local) : null);
        var transaction = new SipServerTransaction(request, local, core)
        {
            TlsDomains = channel?.TlsDomains ?? [],
        };
        if (!_servers.TryAdd(key, core))
        {
            _servers[key].OnRequestRetransmission();
            return;
        }
        // MESSAGE runs inline up to its handler's first await that does not complete at once: a Task.Run per message
        // cost a thread hop (scheduler switches were 10% of the bridge's profile; 129 -> 82 us CPU per SIP->XMPP
        // message). Other requests (SUBSCRIBE, NOTIFY: PIDF parsing, subscription state) keep their own task, so the
        // receive loop goes on reading the responses they wait for: inline, presence set-up was ~10% slower and
        // NOTIFY->presence updates 8084 vs 8948-9794/s (bench/README.md). Handlers never block synchronously, and
        // RunHandlerAsync catches whatever they throw.
        _ = request.Method == "MESSAGE" ? RunHandlerAsync(transaction) : Task.Run(() => RunHandlerAsync(transaction));
    }

    /// <summary>RFC 3261 §17.2.3: branch + sent-by + method; RFC 2543 peers fall back to the dialog fields.</summary>
    private static string ServerKey(SipRequest request)
    {
        var via = request.TopVia!;
        if (via.Branch is { } branch && branch.StartsWith(SipVia.MagicCookie, StringComparison.Ordinal))
        {
            return $"{branch}|{via.SentBy.ToUpperInvariant()}|{request.Method}";
        }
        return $"2543|{request.CallId}|{request.Headers[SipHeaderNames.CSeq]}|{request.From?.Tag}|{request.Headers.GetAllSplit(SipHeaderNames.Via)[0]}";
    }

    /// <summary>RFC 3261 §18.2.1 received, RFC 3581 §4 rport.</summary>
    private static void StampVia(SipRequest request, IPEndPoint source)
    {
        var via = request.TopVia;
        if (via is null)
        {
            return;
        }
        var stamped = via;
        var sourceHost = source.Address.ToString();
        var viaHost = via.Host.Trim('[', ']');
        if (!IPAddress.TryParse(viaHost, out var viaAddress) || !viaAddress.Equals(source.Address))
        {
            stamped = stamped.WithParameter("received", sourceHost);
        }
        if (via.HasRport && via.Parameters["rport"] is null)
        {
            stamped = stamped.WithParameter("received", sourceHost).WithParameter("rport", source.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (!ReferenceEquals(stamped, via))
        {
            request.Headers.ReplaceTopValue(SipHeaderNames.Via, stamped.ToString());
        }
    }

    private async Task RunHandlerAsync(SipServerTransaction transaction)
    {
        var handler = RequestHandler;
        if (handler is null)
        {
            _logger.LogWarning("SIP {Method} from {Remote} answered 503: no request handler", transaction.Request.Method, transaction.Remote);
            await TrySendFinalAsync(transaction, 503).ConfigureAwait(false);
            return;
        }
        try
        {
            await handler(transaction).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogError(e, "SIP request handler failed for {Method} from {Remote}", transaction.Request.Method, transaction.Remote);
            await TrySendFinalAsync(transaction, 500).ConfigureAwait(false);
            return;
        }
        if (!transaction.HasFinalResponse)
        {
            _logger.LogWarning("SIP request handler returned without a final response to {Method} from {Remote}; answering 500",
                transaction.Request.Method, transaction.Remote);
            await TrySendFinalAsync(transaction, 500).ConfigureAwait(false);
        }
    }

    private async Task TrySendFinalAsync(SipServerTransaction transaction, int status)
    {
        try
        {
            await transaction.SendResponseAsync(CreateResponse(transaction.Request, status)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The handler sent its final response concurrently: nothing left to do.
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);
}

using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp;

/// <summary>
/// RFC 6120 §3.2: a static route from the host wins; else the SRV records _xmpp-server._tcp.&lt;domain&gt;
/// (lowest priority first, then highest weight; the weighted shuffle of RFC 2782 is left out so the order
/// is reproducible); else the domain's A/AAAA addresses on port 5269. A/AAAA go through System.Net.Dns,
/// which honours /etc/hosts.
/// </summary>
public sealed class XmppResolver : IXmppResolver
{
    public const int DefaultPort = 5269;

    private readonly Func<string, (string Host, int Port)?> _staticRoutes;
    private readonly ILogger<XmppResolver> _logger;
    private readonly Lazy<ILookupClient?> _dns;

    public XmppResolver(Func<string, (string Host, int Port)?> staticRoutes, ILogger<XmppResolver> logger)
    {
        _staticRoutes = staticRoutes ?? throw new ArgumentNullException(nameof(staticRoutes));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _dns = new Lazy<ILookupClient?>(CreateLookupClient);
    }

    public async ValueTask<IReadOnlyList<IPEndPoint>> ResolveAsync(string domain, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        if (_staticRoutes(domain) is { } route)
        {
            var routed = await AddressesAsync(route.Host, route.Port, ct).ConfigureAwait(false);
            _logger.LogDebug("XMPP route for {Domain}: static {Host}:{Port} -> {Count} address(es)", domain, route.Host, route.Port, routed.Count);
            return routed;
        }

        var result = new List<IPEndPoint>();
        var srv = await SrvAsync(domain, ct).ConfigureAwait(false);
        if (srv is not null)
        {
            foreach (var record in srv)
            {
                result.AddRange(await AddressesAsync(record.Target.Value.TrimEnd('.'), record.Port, ct).ConfigureAwait(false));
            }
            _logger.LogDebug("XMPP route for {Domain}: {Count} address(es) from SRV", domain, result.Count);
            return result;
        }
        result.AddRange(await AddressesAsync(domain, DefaultPort, ct).ConfigureAwait(false));
        _logger.LogDebug("XMPP route for {Domain}: {Count} address(es) from A/AAAA", domain, result.Count);
        return result;
    }

    /// <summary>The SRV records in try order, or null when there are none (fall back to A/AAAA).</summary>
    private async Task<IReadOnlyList<SrvRecord>?> SrvAsync(string domain, CancellationToken ct)
    {
        var dns = _dns.Value;
        if (dns is null)
        {
            return null;
        }
        try
        {
            var response = await dns.QueryAsync("_xmpp-server._tcp." + domain, QueryType.SRV, QueryClass.IN, ct).ConfigureAwait(false);
            var records = response.Answers.SrvRecords().ToList();
            if (response.HasError || records.Count == 0)
            {
                return null;
            }
            // RFC 6120 §3.2.1 step 4 / RFC 2782: a single "." target means the service is decidedly absent.
            if (records.Count == 1 && records[0].Target.Value is "." or "")
            {
                return [];
            }
            return records.OrderBy(r => r.Priority).ThenByDescending(r => r.Weight).ToList();
        }
        catch (DnsResponseException e)
        {
            _logger.LogDebug(e, "SRV lookup for {Domain} failed; falling back to A/AAAA", domain);
            return null;
        }
    }

    private async Task<IReadOnlyList<IPEndPoint>> AddressesAsync(string host, int port, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [new IPEndPoint(literal, port)];
        }
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
            return addresses.Select(a => new IPEndPoint(a, port)).ToList();
        }
        catch (SocketException e)
        {
            _logger.LogDebug("No address for {Host}: {Error}", host, e.SocketErrorCode);
            return [];
        }
    }

    private ILookupClient? CreateLookupClient()
    {
        try
        {
            return new LookupClient(new LookupClientOptions
            {
                Timeout = TimeSpan.FromSeconds(3),
                Retries = 1,
                UseCache = true,
                ThrowDnsErrors = false,
                ContinueOnDnsError = true,
            });
        }
        catch (Exception e) when (e is InvalidOperationException or DnsResponseException or ArgumentException)
        {
            _logger.LogWarning(e, "No DNS servers usable for SRV lookups; using A/AAAA only");
            return null;
        }
    }
}

using System.Net;
using Bridge.Mapping.Configuration;
using Bridge.Sip;

namespace Bridge.FrontEnds.Sip;

/// <summary>
/// Sends requests to a SIP peer domain: always to the domain's configured Route, never to what a name or a
/// Request-URI resolves to (the peer server is the only trusted next hop; in-dialog requests still carry the
/// dialog's Request-URI and Route headers, RFC 3261 §12.2.1.1, which that server follows).
/// </summary>
public sealed class SipPeerSender(SipStack stack, IBridgeConfigSource config)
{
    /// <summary>Sends and returns the final response; null when the domain has no usable route.</summary>
    public async Task<SipResponse?> SendAsync(SipRequest request, string domainName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!config.Current.Domains.TryGetValue(domainName, out var domain) || domain.Route is not { } route)
        {
            return null;
        }
        var destination = await ResolveAsync(route, ct).ConfigureAwait(false);
        return destination is null ? null : await stack.SendRequestAsync(request, destination, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A Contact URI for <paramref name="user"/> at the bridge's own listen address on the transport used towards
    /// <paramref name="domainName"/> (e.g. sip:alice@127.0.0.2:5060); null without a route or a listener.
    /// </summary>
    public string? ContactFor(string? user, string domainName)
    {
        if (!config.Current.Domains.TryGetValue(domainName, out var domain) || domain.Route is not { } route)
        {
            return null;
        }
        var transport = ToSipTransport(route.Transport);
        var local = stack.BoundEndPoints.FirstOrDefault(b => b.Transport == transport);
        if (local is null)
        {
            return null;
        }
        var userPart = string.IsNullOrEmpty(user) ? "" : user + "@";
        var scheme = transport == SipTransport.Tls ? "sips" : "sip";
        var suffix = transport == SipTransport.Tcp ? ";transport=tcp" : "";
        return $"{scheme}:{userPart}{SipSyntax.FormatHost(local.EndPoint.Address)}:{local.EndPoint.Port}{suffix}";
    }

    public static async Task<SipEndPoint?> ResolveAsync(RouteTarget route, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(route);
        var transport = ToSipTransport(route.Transport);
        if (IPAddress.TryParse(route.Host, out var literal))
        {
            return new SipEndPoint(transport, new IPEndPoint(literal, route.Port));
        }
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(route.Host, ct).ConfigureAwait(false);
            return addresses.Length == 0 ? null : new SipEndPoint(transport, new IPEndPoint(addresses[0], route.Port));
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    private static SipTransport ToSipTransport(TransportKind kind) => kind switch
    {
        TransportKind.Tcp => SipTransport.Tcp,
        TransportKind.Tls => SipTransport.Tls,
        _ => SipTransport.Udp,
    };
}

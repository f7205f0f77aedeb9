using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Mapping.Configuration;

/// <summary>Where the bridge sends traffic for a domain (its SIP proxy or XMPP server).</summary>
public sealed record RouteTarget(string Host, int Port, TransportKind Transport)
{
    /// <summary>Default SIP port (RFC 3261 §19.1.2).</summary>
    public const int SipPort = 5060;

    /// <summary>Default SIPS port (RFC 3261 §19.1.2).</summary>
    public const int SipsPort = 5061;

    /// <summary>Default XMPP server-to-server port (RFC 6120 §14.7: 5269).</summary>
    public const int XmppServerPort = 5269;

    /// <summary>
    /// Parses a SIP route such as "sip:127.0.0.1:5060", "sip:proxy.b.test;transport=tcp" or
    /// "sips:[::1]". UDP unless ";transport=tcp|tls" or "sips:" (which means TLS); the port defaults
    /// to 5060, or 5061 for TLS.
    /// </summary>
    public static bool TryParseSip(string? text, [NotNullWhen(true)] out RouteTarget? route)
    {
        route = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        TransportKind transport;
        string rest;
        if (text.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            transport = TransportKind.Tls;
            rest = text[5..];
        }
        else if (text.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            transport = TransportKind.Udp;
            rest = text[4..];
        }
        else
        {
            return false;
        }

        var parts = rest.Split(';');
        foreach (var p in parts.Skip(1))
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && p[..eq].Equals("transport", StringComparison.OrdinalIgnoreCase))
            {
                if (!ConfigNames.TryParseTransport(p[(eq + 1)..], out var t) || (transport == TransportKind.Tls && t != TransportKind.Tls && t != TransportKind.Tcp))
                {
                    return false;
                }

                // sips: always means TLS (RFC 3261 §26.2.2); ";transport=tcp" with it is the usual spelling.
                transport = transport == TransportKind.Tls ? TransportKind.Tls : t;
            }
        }

        if (parts[0].Contains('@', StringComparison.Ordinal) || !HostPort.TrySplit(parts[0], out var host, out var port))
        {
            return false;
        }

        route = new RouteTarget(host, port ?? (transport == TransportKind.Tls ? SipsPort : SipPort), transport);
        return true;
    }

    /// <summary>Parses an XMPP route "host[:port]" (TCP; port defaults to 5269).</summary>
    public static bool TryParseXmpp(string? text, [NotNullWhen(true)] out RouteTarget? route)
    {
        route = null;
        if (!HostPort.TrySplit(text, out var host, out var port))
        {
            return false;
        }

        route = new RouteTarget(host, port ?? XmppServerPort, TransportKind.Tcp);
        return true;
    }

    /// <summary>"transport:host:port", for logs.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Transport}:{new HostPort(Host, Port)}");
}

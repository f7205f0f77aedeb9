using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Bridge.Mapping.Configuration;

/// <summary>A SIP socket the bridge listens on.</summary>
public sealed record SipListenEndpoint(TransportKind Transport, IPAddress Address, int Port)
{
    /// <summary>Parses "udp:127.0.0.2:5060", "tcp:[::1]:5060" or "tls:10.0.0.1:5061" (the port is required).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SipListenEndpoint? endpoint)
    {
        endpoint = null;
        text = text?.Trim();
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0 || !ConfigNames.TryParseTransport(text[..colon], out var transport))
        {
            return false;
        }

        if (!HostPort.TryParse(text[(colon + 1)..], out var hp) || !IPAddress.TryParse(hp.Host, out var address))
        {
            return false;
        }

        endpoint = new SipListenEndpoint(transport, address, hp.Port);
        return true;
    }

    /// <summary>"udp:127.0.0.2:5060".</summary>
    [SuppressMessage("Globalization", "CA1308:Normalize strings to uppercase", Justification = "config strings are lower-case")]
    public override string ToString() =>
        Transport.ToString().ToLowerInvariant() + ":" + new HostPort(Address.ToString(), Port).ToString();
}

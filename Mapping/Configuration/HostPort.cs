using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Mapping.Configuration;

/// <summary>A host (name or IP literal) and port.</summary>
public sealed record HostPort(string Host, int Port)
{
    /// <summary>Parses "host:port", "1.2.3.4:port" or "[v6]:port". The brackets are removed from <see cref="Host"/>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out HostPort? value)
    {
        value = null;
        if (!TrySplit(text, out var host, out var port) || port is null)
        {
            return false;
        }

        value = new HostPort(host, port.Value);
        return true;
    }

    /// <summary>Splits "host[:port]" / "[v6][:port]"; port is null when absent. False on empty host or a non-numeric port.</summary>
    internal static bool TrySplit(string? text, [NotNullWhen(true)] out string? host, out int? port)
    {
        host = null;
        port = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        string? portText = null;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            var after = text[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    return false;
                }

                portText = after[1..];
            }
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && text.IndexOf(':', colon + 1) >= 0)
            {
                return false; // a bare IPv6 address needs brackets
            }

            host = colon >= 0 ? text[..colon] : text;
            portText = colon >= 0 ? text[(colon + 1)..] : null;
        }

        if (host.Length == 0)
        {
            return false;
        }

        if (portText is not null)
        {
            if (portText.Length is 0 or > 5 || !portText.All(char.IsAsciiDigit))
            {
                return false;
            }

            port = int.Parse(portText, CultureInfo.InvariantCulture);
        }

        return true;
    }

    /// <summary>"host:port" (IPv6 in brackets).</summary>
    public override string ToString() =>
        (Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
}

using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Bridge.Mapping.Addresses;

/// <summary>
/// Converts between SIP-side URIs (sip:, sips: of RFC 3261 §19.1; im: of RFC 3860; pres: of RFC 3859)
/// and <see cref="ChatAddress"/>.
/// </summary>
/// <remarks>
/// RFC 7247 §6.3: an XMPP resourcepart corresponds to the instance a SIP GRUU identifies, carried in
/// the "gr" URI parameter (RFC 5627), so <c>romeo@example.net/dr4hcr0st3lup4c</c> and
/// <c>sip:romeo@example.net;gr=dr4hcr0st3lup4c</c> name the same endpoint. Other URI parameters,
/// the port, the password and headers do not identify the user and are dropped.
/// </remarks>
/// <example>
/// <code>
/// TryFromSip("sip:d'artagnan@Musketeers.lit;transport=tcp", out a) // a = ("d'artagnan", "musketeers.lit")
/// TryFromSip("sips:user%20name@example.com:5061?subject=hi", out a) // a = ("user name", "example.com")
/// TryFromSip("sip:romeo@example.net;gr=dr4hcr0st3lup4c", out a)     // a.Resource = "dr4hcr0st3lup4c"
/// ToSip(new ChatAddress("user name", "example.com"))                // "sip:user%20name@example.com"
/// </code>
/// </example>
public static class SipAddressMapping
{
    // RFC 3261 §25.1: unreserved = alphanum / mark; user-unreserved = & = + $ , ; ? /
    private const string Mark = "-_.!~*'()";
    private const string UserUnreservedKeptLiteral = "&=+$,";
    private const string ParamUnreserved = "[]/:&+$";

    /// <summary>
    /// Parses a sip:, sips:, im: or pres: URI (optionally in angle brackets), percent-decoding the
    /// user part (UTF-8). The "gr" parameter of a sip/sips URI becomes the resource (RFC 7247 §6.3).
    /// False for other schemes, a missing or malformed host, bad percent-escapes, invalid UTF-8,
    /// or characters the RFC 3261 user grammar does not allow.
    /// </summary>
    public static bool TryFromSip(string uri, [NotNullWhen(true)] out ChatAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(uri))
        {
            return false;
        }

        var text = uri.Trim();
        if (text.Length >= 2 && text[0] == '<' && text[^1] == '>')
        {
            text = text[1..^1];
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var scheme = text[..colon].ToLowerInvariant();
        var isSip = scheme is "sip" or "sips";
        if (!isSip && scheme is not ("im" or "pres"))
        {
            return false;
        }

        var rest = text[(colon + 1)..];

        // '@' may not appear unescaped in userinfo, parameters or headers (RFC 3261 §25.1), so the
        // first one ends the userinfo; the user part itself may contain ';', '?' and '/'.
        string? user = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var userinfo = rest[..at];
            rest = rest[(at + 1)..];
            var pw = userinfo.IndexOf(':', StringComparison.Ordinal);
            var rawUser = pw >= 0 ? userinfo[..pw] : userinfo;
            if (rawUser.Length == 0 || !IsUserText(rawUser) || !TryPercentDecode(rawUser, out user))
            {
                return false;
            }
        }

        var headers = rest.IndexOf('?', StringComparison.Ordinal);
        if (headers >= 0)
        {
            rest = rest[..headers];
        }

        string? resource = null;
        var semi = rest.IndexOf(';', StringComparison.Ordinal);
        var hostPort = semi >= 0 ? rest[..semi] : rest;
        if (semi >= 0)
        {
            if (!isSip || !TryReadGruu(rest[(semi + 1)..], out resource))
            {
                return false;
            }
        }

        if (!TrySplitHost(hostPort, out var host))
        {
            return false;
        }

        address = new ChatAddress(user, host, resource);
        return true;
    }

    /// <summary>
    /// Formats "sip:user@domain", percent-encoding the user part where the RFC 3261 §25.1 user
    /// grammar requires it (and also ';', '?', '/', which it allows but which many parsers split on),
    /// and adding ";gr=resource" for an instance (RFC 7247 §6.3).
    /// </summary>
    public static string ToSip(ChatAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var sb = new StringBuilder("sip:");
        if (address.Local is not null)
        {
            AppendEncoded(sb, address.Local, UserUnreservedKeptLiteral);
            sb.Append('@');
        }

        sb.Append(address.Domain);
        if (address.Resource is not null)
        {
            sb.Append(";gr=");
            AppendEncoded(sb, address.Resource, ParamUnreserved);
        }

        return sb.ToString();
    }

    private static bool TryReadGruu(string parameters, out string? resource)
    {
        resource = null;
        foreach (var p in parameters.Split(';'))
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            var name = eq >= 0 ? p[..eq] : p;
            if (name.Length == 0)
            {
                return false;
            }

            // A valueless "gr" marks a temporary GRUU (RFC 5627 §3.2) with no instance to name.
            if (eq >= 0 && name.Equals("gr", StringComparison.OrdinalIgnoreCase))
            {
                if (!TryPercentDecode(p[(eq + 1)..], out var value) || value.Length == 0 || value.Any(char.IsControl))
                {
                    return false;
                }

                resource = value;
            }
        }

        return true;
    }

    private static bool TrySplitHost(string hostPort, [NotNullWhen(true)] out string? host)
    {
        host = hostPort;
        string? port = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = hostPort[..(close + 1)];
            var after = hostPort[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    return false;
                }

                port = after[1..];
            }
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            if (colon >= 0)
            {
                host = hostPort[..colon];
                port = hostPort[(colon + 1)..];
            }
        }

        if (port is not null && (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit) || int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) > 65535))
        {
            return false;
        }

        return DomainName.IsValid(host);
    }

    private static bool IsUserText(string raw)
    {
        foreach (var c in raw)
        {
            // COMPAT: some SIP UAs put raw UTF-8 in the user part; accept non-ASCII letters as if escaped.
            var ok = char.IsAsciiLetterOrDigit(c) || Mark.Contains(c, StringComparison.Ordinal)
                || "&=+$,;?/%".Contains(c, StringComparison.Ordinal) || (c > 0x7f && !char.IsWhiteSpace(c) && !char.IsControl(c));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryPercentDecode(string raw, [NotNullWhen(true)] out string? decoded)
    {
        decoded = null;
        if (!raw.Contains('%', StringComparison.Ordinal))
        {
            decoded = raw;
            return true;
        }

        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%')
            {
                if (i + 2 >= raw.Length || !char.IsAsciiHexDigit(raw[i + 1]) || !char.IsAsciiHexDigit(raw[i + 2]))
                {
                    return false;
                }

                bytes.Add(Convert.ToByte(raw.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(raw[i].ToString()));
            }
        }

        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        return !decoded.Any(char.IsControl);
    }

    private static void AppendEncoded(StringBuilder sb, string value, string extraLiteral)
    {
        Span<byte> buffer = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiLetterOrDigit(c) || Mark.Contains(c, StringComparison.Ordinal) || extraLiteral.Contains(c, StringComparison.Ordinal))
            {
                sb.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < value.Length
                ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), buffer)
                : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), buffer);
            foreach (var b in buffer[..length])
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}

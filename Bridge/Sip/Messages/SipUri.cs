using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bridge.Sip;

/// <summary>
/// A SIP or SIPS URI (RFC 3261 §19.1, §25.1). <see cref="User"/> and <see cref="Password"/> are kept as written
/// (still %-escaped) so the URI round-trips; <see cref="UserUnescaped"/> gives the decoded user.
/// </summary>
public sealed record SipUri(
    string Scheme,
    string? User,
    string? Password,
    string Host,
    int? Port,
    IReadOnlyDictionary<string, string?> Parameters,
    string? Headers)
{
    /// <summary>The user part with %HEX HEX decoded (UTF-8), e.g. "%75se%72" becomes "user"; null without a user.</summary>
    public string? UserUnescaped => User is null ? null : Unescape(User);

    public static bool TryParse(string value, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }
        var scheme = value[..colon].ToLowerInvariant();
        if (scheme is not ("sip" or "sips"))
        {
            return false;
        }
        var rest = value[(colon + 1)..];
        foreach (var c in rest)
        {
            if (c <= ' ' || c is '<' or '>' or '"' || c == 0x7F)
            {
                return false;
            }
        }

        string? user = null;
        string? password = null;
        // '@' is not allowed unescaped anywhere after userinfo, so the first one ends userinfo.
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var userinfo = rest[..at];
            rest = rest[(at + 1)..];
            var pw = userinfo.IndexOf(':', StringComparison.Ordinal);
            if (pw >= 0)
            {
                password = userinfo[(pw + 1)..];
                userinfo = userinfo[..pw];
            }
            if (userinfo.Length == 0 || !IsValidEscapes(userinfo) || (password is not null && !IsValidEscapes(password)))
            {
                return false;
            }
            user = userinfo;
        }

        string? headers = null;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            headers = rest[(q + 1)..];
            rest = rest[..q];
        }
        var semi = rest.IndexOf(';', StringComparison.Ordinal);
        var hostport = semi >= 0 ? rest[..semi] : rest;
        var paramText = semi >= 0 ? rest[semi..] : string.Empty;

        if (!TryParseHostPort(hostport, out var host, out var port))
        {
            return false;
        }
        var parameters = new OrderedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (paramText.Length > 0 && !TryParseUriParameters(paramText, parameters))
        {
            return false;
        }
        uri = new SipUri(scheme, user, password, host, port, parameters, headers);
        return true;
    }

    internal static bool TryParseHostPort(string hostport, out string host, out int? port)
    {
        host = string.Empty;
        port = null;
        string portText;
        if (hostport.StartsWith('['))
        {
            var close = hostport.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(hostport.AsSpan(1, close - 1), out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }
            host = hostport[..(close + 1)];
            portText = hostport[(close + 1)..];
            if (portText.Length > 0 && portText[0] != ':')
            {
                return false;
            }
        }
        else
        {
            var c = hostport.IndexOf(':', StringComparison.Ordinal);
            host = c >= 0 ? hostport[..c] : hostport;
            portText = c >= 0 ? hostport[c..] : string.Empty;
            if (!IsHostName(host))
            {
                return false;
            }
        }
        if (portText.Length > 0)
        {
            var digits = portText.AsSpan(1);
            if (digits.IsEmpty || digits.Length > 5 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
            {
                return false;
            }
            port = p;
        }
        return true;
    }

    private static bool IsHostName(string host)
    {
        if (host.Length == 0)
        {
            return false;
        }
        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryParseUriParameters(string text, OrderedDictionary<string, string?> into)
    {
        foreach (var part in text[1..].Split(';'))
        {
            if (part.Length == 0)
            {
                return false;
            }
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq >= 0 ? part[..eq] : part;
            var value = eq >= 0 ? part[(eq + 1)..] : null;
            if (name.Length == 0 || !IsValidEscapes(name) || (value is not null && !IsValidEscapes(value)))
            {
                return false;
            }
            into.TryAdd(name, value);
        }
        return true;
    }

    private static bool IsValidEscapes(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '%' && (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2])))
            {
                return false;
            }
        }
        return true;
    }

    internal static string Unescape(string s)
    {
        if (!s.Contains('%', StringComparison.Ordinal))
        {
            return s;
        }
        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '%' && i + 2 < s.Length && char.IsAsciiHexDigit(s[i + 1]) && char.IsAsciiHexDigit(s[i + 2]))
            {
                bytes.Add(byte.Parse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public override string ToString()
    {
        var sb = new StringBuilder(Scheme).Append(':');
        if (User is not null)
        {
            sb.Append(User);
            if (Password is not null)
            {
                sb.Append(':').Append(Password);
            }
            sb.Append('@');
        }
        sb.Append(Host);
        if (Port is { } port)
        {
            sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }
        SipSyntax.AppendParameters(sb, Parameters);
        if (Headers is not null)
        {
            sb.Append('?').Append(Headers);
        }
        return sb.ToString();
    }
}

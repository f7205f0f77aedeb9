using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Bridge.Sip;

/// <summary>One Via value (RFC 3261 §20.42, §25.1 via-parm): SIP/2.0/transport sent-by *(;params).</summary>
public sealed record SipVia(string Transport, string Host, int? Port, IReadOnlyDictionary<string, string?> Parameters)
{
    /// <summary>RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this.</summary>
    public const string MagicCookie = "z9hG4bK";

    public string? Branch => Parameters.TryGetValue("branch", out var b) ? b : null;
    public string? Received => Parameters.TryGetValue("received", out var r) ? r : null;
    public bool HasRport => Parameters.ContainsKey("rport");

    public string SentBy => Port is { } p ? $"{Host}:{p.ToString(CultureInfo.InvariantCulture)}" : Host;

    public static bool TryParse(string value, [NotNullWhen(true)] out SipVia? via)
    {
        via = null;
        var s = value.AsSpan();
        var i = 0;
        // sent-protocol = protocol-name SLASH protocol-version SLASH transport, LWS allowed around SLASH.
        // Any version is read so that a 505 can still be routed back (RFC 4475 §3.1.2.16).
        if (!ReadToken(s, ref i, out var name) || !name.Equals("SIP", StringComparison.OrdinalIgnoreCase)
            || !ReadSlash(s, ref i) || !ReadToken(s, ref i, out _)
            || !ReadSlash(s, ref i) || !ReadToken(s, ref i, out var transport))
        {
            return false;
        }
        var before = i;
        SipSyntax.SkipLws(s, ref i);
        if (i == before)
        {
            return false;
        }
        var start = i;
        if (i < s.Length && s[i] == '[')
        {
            while (i < s.Length && s[i] != ']')
            {
                i++;
            }
            // An unclosed '[' must not step past the end; the host then fails TryParseHostPort below.
            if (i < s.Length)
            {
                i++;
            }
        }
        while (i < s.Length && s[i] != ';' && !SipSyntax.IsWhitespace(s[i]) && s[i] != ':')
        {
            i++;
        }
        var hostEnd = i;
        SipSyntax.SkipLws(s, ref i);
        if (i < s.Length && s[i] == ':')
        {
            i++;
            SipSyntax.SkipLws(s, ref i);
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
        }
        var hostport = RemoveWhitespace(s[start..i]);
        if (start == hostEnd || !SipUri.TryParseHostPort(hostport, out var host, out var port))
        {
            return false;
        }
        var parameters = new OrderedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!SipSyntax.TryParseParameters(s[i..], parameters))
        {
            return false;
        }
        via = new SipVia(transport.ToUpperInvariant(), host, port, parameters);
        return true;
    }

    private static string RemoveWhitespace(ReadOnlySpan<char> s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (!SipSyntax.IsWhitespace(c))
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static bool ReadToken(ReadOnlySpan<char> s, ref int i, out string token)
    {
        SipSyntax.SkipLws(s, ref i);
        var start = i;
        while (i < s.Length && SipSyntax.IsTokenChar(s[i]))
        {
            i++;
        }
        token = s[start..i].ToString();
        return i > start;
    }

    private static bool ReadSlash(ReadOnlySpan<char> s, ref int i)
    {
        SipSyntax.SkipLws(s, ref i);
        if (i < s.Length && s[i] == '/')
        {
            i++;
            return true;
        }
        return false;
    }

    public SipVia WithParameter(string name, string? value)
    {
        var parameters = new OrderedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in Parameters)
        {
            parameters[k] = v;
        }
        parameters[name] = value;
        return this with { Parameters = parameters };
    }

    public override string ToString()
    {
        var sb = new StringBuilder("SIP/2.0/").Append(Transport).Append(' ').Append(SentBy);
        SipSyntax.AppendParameters(sb, Parameters);
        return sb.ToString();
    }
}

using System.Text;

namespace Bridge.Sip;

/// <summary>Small lexical helpers over the RFC 3261 §25.1 grammar, shared by the header value parsers.</summary>
internal static class SipSyntax
{
    // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    public static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Splits on commas that are outside quoted strings and angle brackets.</summary>
    public static List<string> SplitTopLevel(string value, char separator = ',')
    {
        var parts = new List<string>();
        var inQuotes = false;
        var angle = 0;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    inQuotes = true;
                    break;
                case '<':
                    angle++;
                    break;
                case '>':
                    if (angle > 0)
                    {
                        angle--;
                    }
                    break;
                default:
                    if (c == separator && angle == 0)
                    {
                        parts.Add(value[start..i].Trim());
                        start = i + 1;
                    }
                    break;
            }
        }
        parts.Add(value[start..].Trim());
        return parts;
    }

    /// <summary>
    /// Parses <c>*(SEMI generic-param)</c> from <paramref name="s"/> (which starts at a ';' or is empty).
    /// LWS around ';' and '=' is allowed (RFC 3261 §25.1 SEMI/EQUAL). Quoted values keep their quotes.
    /// </summary>
    public static bool TryParseParameters(ReadOnlySpan<char> s, OrderedDictionary<string, string?> into)
    {
        var i = 0;
        while (true)
        {
            SkipLws(s, ref i);
            if (i >= s.Length)
            {
                return true;
            }
            if (s[i] != ';')
            {
                return false;
            }
            i++;
            SkipLws(s, ref i);
            var nameStart = i;
            while (i < s.Length && IsTokenChar(s[i]))
            {
                i++;
            }
            if (i == nameStart)
            {
                return false;
            }
            var name = s[nameStart..i].ToString();
            SkipLws(s, ref i);
            string? value = null;
            if (i < s.Length && s[i] == '=')
            {
                i++;
                SkipLws(s, ref i);
                if (i < s.Length && s[i] == '"')
                {
                    var end = FindQuotedEnd(s, i);
                    if (end < 0)
                    {
                        return false;
                    }
                    value = s[i..(end + 1)].ToString();
                    i = end + 1;
                }
                else
                {
                    var valueStart = i;
                    // gen-value = token / host / quoted-string; host adds ':' '[' ']' for IPv6.
                    while (i < s.Length && (IsTokenChar(s[i]) || s[i] is ':' or '[' or ']'))
                    {
                        i++;
                    }
                    if (i == valueStart)
                    {
                        return false;
                    }
                    value = s[valueStart..i].ToString();
                }
            }
            into.TryAdd(name, value);
        }
    }

    public static void SkipLws(ReadOnlySpan<char> s, ref int i)
    {
        while (i < s.Length && IsWhitespace(s[i]))
        {
            i++;
        }
    }

    /// <summary>Index of the closing quote of the quoted-string opening at <paramref name="start"/>, or -1.</summary>
    public static int FindQuotedEnd(ReadOnlySpan<char> s, int start)
    {
        for (var i = start + 1; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == '"')
            {
                return i;
            }
        }
        return -1;
    }

    public static string Unquote(ReadOnlySpan<char> quoted)
    {
        var sb = new StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            if (quoted[i] == '\\' && i + 1 < quoted.Length - 1)
            {
                i++;
            }
            sb.Append(quoted[i]);
        }
        return sb.ToString();
    }

    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    public static void AppendParameters(StringBuilder sb, IReadOnlyDictionary<string, string?> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            sb.Append(';').Append(name);
            if (value is not null)
            {
                sb.Append('=').Append(value);
            }
        }
    }

    /// <summary>RFC 3986 scheme syntax: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).</summary>
    public static bool IsScheme(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Checks an absolute URI loosely: a scheme, a colon, and no whitespace or angle brackets.</summary>
    public static bool IsAbsoluteUri(string s)
    {
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == s.Length - 1 || !IsScheme(s.AsSpan(0, colon)))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (c <= ' ' || c is '<' or '>' or '"' || c == 0x7F)
            {
                return false;
            }
        }
        return true;
    }

    public static string FormatHost(System.Net.IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}

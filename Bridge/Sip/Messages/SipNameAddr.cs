using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Bridge.Sip;

/// <summary>
/// A From/To/Contact/Route value (RFC 3261 §20.10, §25.1 name-addr / addr-spec plus header parameters).
/// <see cref="DisplayName"/> is unquoted and unescaped; <see cref="Parameters"/> values keep any quotes.
/// </summary>
public sealed record SipNameAddr(string? DisplayName, string Uri, IReadOnlyDictionary<string, string?> Parameters)
{
    public string? Tag => Parameters.TryGetValue("tag", out var tag) ? tag : null;

    /// <summary>The URI parsed as SIP/SIPS, or null for other schemes.</summary>
    public SipUri? SipUri => Bridge.Sip.SipUri.TryParse(Uri, out var uri) ? uri : null;

    public static bool TryParse(string value, [NotNullWhen(true)] out SipNameAddr? result)
    {
        result = null;
        if (value is null)
        {
            return false;
        }
        var s = value.AsSpan();
        var i = 0;
        SipSyntax.SkipLws(s, ref i);
        if (i >= s.Length)
        {
            return false;
        }

        string? display = null;
        string uri;
        var lt = FindUnquoted(s, i, '<');
        if (s[i] == '"' || lt >= 0)
        {
            // name-addr
            if (s[i] == '"')
            {
                var end = SipSyntax.FindQuotedEnd(s, i);
                if (end < 0)
                {
                    return false;
                }
                display = SipSyntax.Unquote(s[i..(end + 1)]);
                i = end + 1;
                SipSyntax.SkipLws(s, ref i);
                if (i >= s.Length || s[i] != '<')
                {
                    return false;
                }
            }
            else
            {
                // *(token LWS): every word must be a token (RFC 4475 §3.1.2.15 baddn is invalid).
                // COMPAT: RFC 4475 §3.1.1.6 lwsdisp, no LWS before '<' is accepted.
                var words = s[i..lt].ToString().Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
                foreach (var w in words)
                {
                    if (!SipSyntax.IsToken(w))
                    {
                        return false;
                    }
                }
                display = words.Length == 0 ? null : string.Join(' ', words);
                i = lt;
            }
            var gt = s[i..].IndexOf('>');
            if (gt < 0)
            {
                return false;
            }
            // COMPAT: RFC 4475 §3.1.2.14 badaspec, spaces just inside <> are tolerated.
            uri = s[(i + 1)..(i + gt)].Trim().ToString();
            i += gt + 1;
        }
        else
        {
            // addr-spec: parameters after it belong to the header, so the URI ends at the first ';'.
            var start = i;
            while (i < s.Length && s[i] != ';' && !SipSyntax.IsWhitespace(s[i]))
            {
                i++;
            }
            uri = s[start..i].ToString();
            if (uri.Contains('?', StringComparison.Ordinal) || uri.Contains(',', StringComparison.Ordinal))
            {
                return false;
            }
        }
        if (!(uri == "*" || Bridge.Sip.SipUri.TryParse(uri, out _) || (!uri.StartsWith("sip", StringComparison.OrdinalIgnoreCase) && SipSyntax.IsAbsoluteUri(uri))))
        {
            return false;
        }
        var parameters = new OrderedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!SipSyntax.TryParseParameters(s[i..], parameters))
        {
            return false;
        }
        result = new SipNameAddr(display, uri, parameters);
        return true;
    }

    private static int FindUnquoted(ReadOnlySpan<char> s, int start, char target)
    {
        for (var i = start; i < s.Length; i++)
        {
            if (s[i] == '"')
            {
                var end = SipSyntax.FindQuotedEnd(s, i);
                if (end < 0)
                {
                    return -1;
                }
                i = end;
            }
            else if (s[i] == target)
            {
                return i;
            }
        }
        return -1;
    }

    public SipNameAddr WithTag(string tag)
    {
        var parameters = new OrderedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in Parameters)
        {
            parameters[k] = v;
        }
        parameters["tag"] = tag;
        return this with { Parameters = parameters };
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(DisplayName))
        {
            sb.Append(SipSyntax.Quote(DisplayName)).Append(' ');
        }
        sb.Append('<').Append(Uri).Append('>');
        SipSyntax.AppendParameters(sb, Parameters);
        return sb.ToString();
    }
}

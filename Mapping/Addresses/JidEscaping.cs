using System.Text;

namespace Bridge.Mapping.Addresses;

/// <summary>
/// XEP-0106 (JID Escaping) for the localpart only (XEP-0106 §2 requirement 1: never for the
/// domainpart or resourcepart).
/// </summary>
/// <remarks>
/// XEP-0106 §3.2 table: space \20, " \22, &amp; \26, ' \27, / \2f, : \3a, &lt; \3c, &gt; \3e, @ \40, \ \5c.
/// The backslash is escaped only where it would otherwise start one of those ten sequences
/// (§4.1 rule 7, §4.2 step 3); partial or unknown sequences are left alone both ways (§4.3).
/// Note: rows 9-11 of the §5.1 examples table escape every backslash, which contradicts §4.3
/// ("foo\bar is not modified"); we follow the normative rules, so those rows only hold for unescaping.
/// </remarks>
public static class JidEscaping
{
    private const string Disallowed = " \"&'/:<>@";

    /// <summary>Escapes a unescaped localpart. Returns null if XEP-0106 cannot represent it
    /// (leading/trailing space, §4.1 rule 6; control or non-ASCII space characters, which Nodeprep prohibits).</summary>
    public static string? Escape(string local)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (local.Length == 0 || local[0] == ' ' || local[^1] == ' ')
        {
            return null;
        }

        var sb = new StringBuilder(local.Length + 8);
        for (var i = 0; i < local.Length; i++)
        {
            var c = local[i];
            if (char.IsControl(c) || (char.IsWhiteSpace(c) && c != ' '))
            {
                return null;
            }

            if (Disallowed.Contains(c, StringComparison.Ordinal) || (c == '\\' && StartsSequence(local, i)))
            {
                sb.Append('\\').Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Unescapes only the ten specified sequences (XEP-0106 §4.1 rule 3).</summary>
    public static string Unescape(string escaped)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        if (!escaped.Contains('\\', StringComparison.Ordinal))
        {
            return escaped;
        }

        var sb = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] == '\\' && StartsSequence(escaped, i))
            {
                sb.Append((char)Convert.ToInt32(escaped.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                sb.Append(escaped[i]);
            }
        }

        return sb.ToString();
    }

    /// <summary>True if text[i] is '\' followed by one of the ten lowercase hex codes (case is significant, XEP-0106 §3.1).</summary>
    private static bool StartsSequence(string text, int i)
    {
        if (i + 2 >= text.Length)
        {
            return false;
        }

        return text.Substring(i + 1, 2) switch
        {
            "20" or "22" or "26" or "27" or "2f" or "3a" or "3c" or "3e" or "40" or "5c" => true,
            _ => false,
        };
    }
}

using System.Text;
using Bridge.Sip;

namespace Bridge.FrontEnds.Sip;

/// <summary>Error responses carry a human reason in a Warning header (RFC 3261 §20.43, code 399 = miscellaneous).</summary>
public static class SipWarnings
{
    public static void Add(SipResponse response, string warning)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(warning);
        response.Headers.Add("Warning", $"399 bridge \"{Quote(warning)}\"");
    }

    private static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c is '\r' or '\n' ? ' ' : c);
        }
        return sb.ToString();
    }
}

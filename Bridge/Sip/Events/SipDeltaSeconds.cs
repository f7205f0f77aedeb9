using System.Globalization;

namespace Bridge.Sip;

/// <summary>delta-seconds header values (Expires, Min-Expires, Retry-After; RFC 3261 §25.1).</summary>
internal static class SipDeltaSeconds
{
    /// <summary>Absent gives null with true; a malformed value gives false. Huge values clamp to int.MaxValue.</summary>
    public static bool TryRead(string? value, out int? seconds)
    {
        seconds = null;
        if (value is null)
        {
            return true;
        }
        // Retry-After may carry a comment and parameters after the number (§20.33); only the number matters here.
        var s = value.AsSpan().Trim();
        var end = 0;
        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }
        if (end == 0 || (end < s.Length && s[end] is not (' ' or '\t' or '(' or ';')))
        {
            return false;
        }
        seconds = long.TryParse(s[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= int.MaxValue ? (int)v : int.MaxValue;
        return true;
    }

    public static string Format(TimeSpan span) => ((long)Math.Max(0, Math.Floor(span.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
}

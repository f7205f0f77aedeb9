using System.Globalization;

namespace Bridge.Sip;

/// <summary>A SIP request or response (RFC 3261 §7): start line, headers and an opaque body.</summary>
public abstract class SipMessage
{
    public SipHeaders Headers { get; } = new();

    public ReadOnlyMemory<byte> Body { get; set; }

    public string? CallId => Headers[SipHeaderNames.CallId];

    public string? ContentType => Headers[SipHeaderNames.ContentType];

    /// <summary>The From value parsed, or null when absent or malformed.</summary>
    public SipNameAddr? From => SipNameAddr.TryParse(Headers[SipHeaderNames.From] ?? string.Empty, out var v) ? v : null;

    /// <summary>The To value parsed, or null when absent or malformed.</summary>
    public SipNameAddr? To => SipNameAddr.TryParse(Headers[SipHeaderNames.To] ?? string.Empty, out var v) ? v : null;

    /// <summary>The top Via parsed, or null when absent or malformed.</summary>
    public SipVia? TopVia
    {
        get
        {
            var all = Headers.GetAllSplit(SipHeaderNames.Via);
            return all.Count > 0 && SipVia.TryParse(all[0], out var via) ? via : null;
        }
    }

    /// <summary>CSeq sequence number, or null when absent or malformed.</summary>
    public long? CSeqNumber => TryParseCSeq(Headers[SipHeaderNames.CSeq], out var n, out _) ? n : null;

    /// <summary>CSeq method, or null when absent or malformed.</summary>
    public string? CSeqMethod => TryParseCSeq(Headers[SipHeaderNames.CSeq], out _, out var m) ? m : null;

    /// <summary>RFC 3261 §8.1.1.5: a 32-bit unsigned integer below 2**31, LWS, then the method token.</summary>
    internal static bool TryParseCSeq(string? value, out long number, out string method)
    {
        number = 0;
        method = string.Empty;
        if (value is null)
        {
            return false;
        }
        var s = value.AsSpan().Trim();
        var i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }
        if (i == 0 || i >= s.Length || !SipSyntax.IsWhitespace(s[i]))
        {
            return false;
        }
        var digits = s[..i].TrimStart('0');
        if (digits.Length > 10 || !long.TryParse(digits.IsEmpty ? "0" : digits, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number >= 1L << 31)
        {
            return false;
        }
        var m = s[i..].Trim();
        if (!SipSyntax.IsToken(m))
        {
            return false;
        }
        method = m.ToString();
        return true;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Bridge.Sip;

/// <summary>
/// A Subscription-State header value (RFC 6665 §8.2.3): substate-value (active, pending, terminated or an extension
/// token, kept lower-cased) and the expires, reason and retry-after parameters.
/// </summary>
public sealed record SipSubscriptionStateHeader(string Value, int? Expires, string? Reason, int? RetryAfter)
{
    public const string Active = "active";
    public const string Pending = "pending";
    public const string Terminated = "terminated";

    public static bool TryParse(string? value, [NotNullWhen(true)] out SipSubscriptionStateHeader? result)
    {
        result = null;
        if (value is null)
        {
            return false;
        }
        var s = value.AsSpan().Trim();
        var semi = s.IndexOf(';');
        var state = (semi < 0 ? s : s[..semi]).Trim();
        if (state.IsEmpty || !SipSyntax.IsToken(state))
        {
            return false;
        }
        var parameters = new OrderedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (semi >= 0 && !SipSyntax.TryParseParameters(s[semi..], parameters))
        {
            return false;
        }
        if (!TryDeltaSeconds(parameters, "expires", out var expires) || !TryDeltaSeconds(parameters, "retry-after", out var retryAfter))
        {
            return false;
        }
        parameters.TryGetValue("reason", out var reason);
        result = new SipSubscriptionStateHeader(state.ToString().ToLowerInvariant(), expires, reason?.ToLowerInvariant(), retryAfter);
        return true;
    }

    private static bool TryDeltaSeconds(OrderedDictionary<string, string?> parameters, string name, out int? seconds)
    {
        seconds = null;
        if (!parameters.TryGetValue(name, out var text))
        {
            return true;
        }
        // delta-seconds = 1*DIGIT; values past int range are clamped rather than rejected (RFC 3261 §20.19 spirit).
        if (string.IsNullOrEmpty(text) || !text.All(char.IsAsciiDigit))
        {
            return false;
        }
        seconds = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= int.MaxValue ? (int)v : int.MaxValue;
        return true;
    }

    public override string ToString()
    {
        var sb = new StringBuilder(Value);
        if (Reason is not null)
        {
            sb.Append(";reason=").Append(Reason);
        }
        if (Expires is { } expires)
        {
            sb.Append(";expires=").Append(expires.ToString(CultureInfo.InvariantCulture));
        }
        if (RetryAfter is { } retry)
        {
            sb.Append(";retry-after=").Append(retry.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}

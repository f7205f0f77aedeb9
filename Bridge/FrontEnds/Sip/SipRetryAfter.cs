using System.Globalization;
using Bridge.Sip;

namespace Bridge.FrontEnds.Sip;

/// <summary>The Retry-After header of a 503 sent for a peer domain over its rate limit (RFC 3261 §20.33, §21.5.4).</summary>
public static class SipRetryAfter
{
    /// <summary>Adds <c>Retry-After</c> in whole seconds, rounded up (and at least 1) so the peer never comes back before there is room.</summary>
    public static void Add(SipResponse response, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.Add("Retry-After", Seconds(retryAfter).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The delta-seconds value for <paramref name="retryAfter"/>.</summary>
    public static long Seconds(TimeSpan retryAfter) => Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
}

using System.Collections.Immutable;
using System.Globalization;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bridge.Hosting.Configuration;

/// <summary>
/// Rate limits: <c>Bridge:Limits:MessagesPerSecond</c> and <c>:SubscriptionsPerSecond</c> for every peer
/// domain, overridden per key by <c>Bridge:Domains:&lt;name&gt;:Limits:…</c>. Absent keys mean no limit.
/// </summary>
public static partial class BridgeConfigReader
{
    private static RateLimitSettings ReadLimits(IConfigurationSection bridge, List<string> errors)
    {
        var defaults = ReadPeerLimits(bridge.GetSection("Limits"), PeerLimits.Unlimited, errors);
        var domains = ImmutableDictionary.CreateBuilder<string, PeerLimits>(StringComparer.OrdinalIgnoreCase);
        foreach (var domain in bridge.GetSection("Domains").GetChildren())
        {
            var section = domain.GetSection("Limits");
            if (section.Exists())
            {
                domains[domain.Key.Trim()] = ReadPeerLimits(section, defaults, errors);
            }
        }
        return new RateLimitSettings(defaults, domains.ToImmutable());
    }

    private static PeerLimits ReadPeerLimits(IConfigurationSection section, PeerLimits fallback, List<string> errors) =>
        new(ReadRate(section.GetSection("MessagesPerSecond"), fallback.MessagesPerSecond, errors),
            ReadRate(section.GetSection("SubscriptionsPerSecond"), fallback.SubscriptionsPerSecond, errors));

    private static int ReadRate(IConfigurationSection section, int fallback, List<string> errors)
    {
        if (section.Value is not { } text)
        {
            return fallback;
        }
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var rate))
        {
            return rate;
        }
        errors.Add($"{section.Path}: '{text}' is not a whole number of requests per second (0 for no limit)");
        return fallback;
    }
}

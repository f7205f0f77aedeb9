using System.Globalization;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bridge.Hosting.Configuration;

/// <summary>Reads "Bridge:Xmpp:Component" (Host, Port, Name, Secret) and "Bridge:Resilience".</summary>
public static partial class BridgeConfigReader
{
    private static ComponentSettings? ReadComponent(IConfigurationSection section, List<string> errors)
    {
        if (!section.Exists())
        {
            return null;
        }
        return new ComponentSettings(
            section["Host"]?.Trim() ?? string.Empty,
            ReadInt(section.GetSection("Port"), ComponentSettings.DefaultPort, errors),
            section["Name"]?.Trim().ToLowerInvariant() ?? string.Empty,
            section["Secret"] ?? string.Empty);
    }

    private static ResilienceSettings ReadResilience(IConfigurationSection section, List<string> errors)
    {
        var defaults = new ResilienceSettings();
        return new ResilienceSettings(
            ReadInt(section.GetSection("QueueLimit"), defaults.QueueLimit, errors),
            ReadSeconds(section.GetSection("QueueDeadlineSeconds"), defaults.QueueDeadlineSeconds, errors),
            ReadSeconds(section.GetSection("ReconnectMaxDelaySeconds"), defaults.ReconnectMaxDelaySeconds, errors));
    }

    private static double ReadSeconds(IConfigurationSection section, double fallback, List<string> errors)
    {
        if (section.Value is not { } text)
        {
            return fallback;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            return seconds;
        }
        errors.Add($"{section.Path}: '{text}' is not a number of seconds");
        return fallback;
    }
}

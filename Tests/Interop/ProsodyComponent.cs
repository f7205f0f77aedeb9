using System.Globalization;

namespace Bridge.Tests.Interop;

/// <summary>An XEP-0114 component for Prosody 0.12: `Component "name"` with `component_secret`.</summary>
public sealed record ProsodyComponent(string Name, string Secret)
{
    /// <summary>
    /// The rendered peers/prosody.cfg.lua with the component port opened on the given address and the
    /// component declared after the virtual hosts.
    /// </summary>
    public string AddTo(string config, System.Net.IPEndPoint endPoint)
    {
        const string closedPorts = "component_ports = { }";
        if (!config.Contains(closedPorts, StringComparison.Ordinal))
        {
            throw new InteropSetupException($"peers/prosody.cfg.lua no longer has '{closedPorts}' to open");
        }
        // Global options must come before the first VirtualHost/Component line, so replace in place.
        var open = string.Create(CultureInfo.InvariantCulture,
            $"component_ports = {{ {endPoint.Port} }}\ncomponent_interfaces = {{ \"{endPoint.Address}\" }}");
        return config.Replace(closedPorts, open, StringComparison.Ordinal)
            + $"\nComponent \"{Name}\"\n    component_secret = \"{Secret}\"\n";
    }
}

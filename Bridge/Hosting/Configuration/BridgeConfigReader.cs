using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bridge.Hosting.Configuration;

/// <summary>
/// Reads the "Bridge" configuration section into a <see cref="BridgeConfig"/>, then validates it.
/// </summary>
/// <remarks>
/// Keys: Xmpp:Listen "ip:port"; Xmpp:DialbackSecret; Xmpp:MaxStanzaBytes; Xmpp:ConnectTimeoutSeconds;
/// Sip:Listen ["udp|tcp|tls:addr:port", ...]; Sip:MaxMessageBytes, Sip:MaxHeaderCount, Sip:MaxLineLength; Domains:&lt;name&gt;:Protocol "xmpp"|"sip",
/// :Route, :TrustedAddresses [ip, ...]; Peerings [{ Domains: [...], Services: [...] }]; Logging:LogBodies;
/// Storage:Path, Storage:FlushIntervalMilliseconds; Xmpp:Component:Host/Port/Name/Secret and
/// Resilience:QueueLimit/QueueDeadlineSeconds/ReconnectMaxDelaySeconds (BridgeConfigReader.Component.cs);
/// Tls:CertificateFile, :KeyFile, :CaFile and Domains:&lt;name&gt;:Tls, :TrustedFingerprints (BridgeConfigReader.Tls.cs);
/// Presence:Lists, :PrivateListsFolder, :RulesFolder (BridgeConfigReader.Presence.cs);
/// Limits and Domains:&lt;name&gt;:Limits (BridgeConfigReader.Limits.cs).
/// </remarks>
public static partial class BridgeConfigReader
{
    /// <summary>The configuration section read.</summary>
    public const string SectionName = "Bridge";

    /// <summary>
    /// Reads and validates. Each malformed or unknown value adds one line to <paramref name="errors"/>
    /// naming its key, followed by the <see cref="BridgeConfigValidator"/> lines. Null if any error.
    /// </summary>
    public static BridgeConfig? Read(IConfiguration root, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        var bridge = root.GetSection(SectionName);
        if (!bridge.Exists())
        {
            errors.Add($"{SectionName}: section is missing");
            return null;
        }

        var config = new BridgeConfig(
            ReadXmpp(bridge.GetSection("Xmpp"), errors) with { Component = ReadComponent(bridge.GetSection("Xmpp:Component"), errors) },
            ReadSip(bridge.GetSection("Sip"), errors),
            BridgeConfig.CreateDomains(ReadDomains(bridge.GetSection("Domains"), errors)),
            ReadPeerings(bridge.GetSection("Peerings"), errors),
            new LoggingSettings(ReadBool(bridge.GetSection("Logging:LogBodies"), false, errors)),
            ReadStorage(bridge.GetSection("Storage"), errors),
            ReadPresence(bridge.GetSection("Presence"), errors))
        {
            Resilience = ReadResilience(bridge.GetSection("Resilience"), errors),
            Tls = ReadTls(bridge.GetSection("Tls"), errors),
            Limits = ReadLimits(bridge, errors),
        };

        if (errors.Count > before)
        {
            return null; // validating a half-read config would only repeat the same problems
        }

        errors.AddRange(BridgeConfigValidator.Validate(config));
        return errors.Count > before ? null : config;
    }

    private static StorageSettings ReadStorage(IConfigurationSection section, List<string> errors)
    {
        var path = section.GetSection("Path").Value;
        if (path is not null && string.IsNullOrWhiteSpace(path))
        {
            errors.Add($"{section.Path}:Path: must not be empty (use \"{StorageSettings.InMemory}\" to keep nothing)");
            path = null;
        }
        var interval = 200;
        var intervalSection = section.GetSection("FlushIntervalMilliseconds");
        if (intervalSection.Value is { } text)
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out interval) || interval is < 1 or > 60_000)
            {
                errors.Add($"{intervalSection.Path}: '{text}' is not a number of milliseconds between 1 and 60000");
                interval = 200;
            }
        }
        return new StorageSettings(path ?? StorageSettings.DefaultPath, interval);
    }

    private static XmppSettings ReadXmpp(IConfigurationSection section, List<string> errors)
    {
        HostPort? listen = null;
        var listenSection = section.GetSection("Listen");
        if (!string.IsNullOrWhiteSpace(listenSection.Value))
        {
            if (HostPort.TryParse(listenSection.Value, out var hp) && IPAddress.TryParse(hp.Host, out _))
            {
                listen = hp;
            }
            else
            {
                errors.Add($"{listenSection.Path}: '{listenSection.Value}' is not \"ip:port\"");
            }
        }

        TimeSpan? timeout = null;
        var timeoutSection = section.GetSection("ConnectTimeoutSeconds");
        if (timeoutSection.Value is { } timeoutText)
        {
            if (double.TryParse(timeoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 86400)
            {
                timeout = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                errors.Add($"{timeoutSection.Path}: '{timeoutText}' is not a number of seconds between 0 and 86400");
            }
        }

        return new XmppSettings(
            listen,
            section["DialbackSecret"] ?? string.Empty,
            ReadInt(section.GetSection("MaxStanzaBytes"), 262144, errors),
            timeout);
    }

    private static SipSettings ReadSip(IConfigurationSection section, List<string> errors)
    {
        var listen = ImmutableArray.CreateBuilder<SipListenEndpoint>();
        foreach (var item in Items(section.GetSection("Listen")))
        {
            if (SipListenEndpoint.TryParse(item.Value, out var ep))
            {
                listen.Add(ep);
            }
            else
            {
                errors.Add($"{item.Path}: '{item.Value}' is not \"udp|tcp|tls:address:port\"");
            }
        }

        return new SipSettings(
            listen.ToImmutable(),
            ReadInt(section.GetSection("MaxMessageBytes"), 65535, errors),
            ReadInt(section.GetSection("MaxHeaderCount"), 128, errors),
            ReadInt(section.GetSection("MaxLineLength"), 8192, errors));
    }

    private static List<DomainConfig> ReadDomains(IConfigurationSection section, List<string> errors)
    {
        var domains = new List<DomainConfig>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in section.GetChildren())
        {
            var name = d.Key.Trim().ToLowerInvariant();
            if (!seen.Add(name))
            {
                errors.Add($"{d.Path}: domain '{name}' is configured more than once");
                continue;
            }

            var protocolText = d["Protocol"];
            if (!ConfigNames.TryParseProtocol(protocolText, out var protocol))
            {
                errors.Add($"{d.Path}:Protocol: '{protocolText}' is not \"xmpp\" or \"sip\"");
                continue;
            }

            RouteTarget? route = null;
            var routeText = d["Route"];
            if (!string.IsNullOrWhiteSpace(routeText))
            {
                var ok = protocol == DomainProtocol.Sip
                    ? RouteTarget.TryParseSip(routeText, out route)
                    : RouteTarget.TryParseXmpp(routeText, out route);
                if (!ok)
                {
                    var shape = protocol == DomainProtocol.Sip ? "\"sip:host[:port][;transport=udp|tcp|tls]\"" : "\"host[:port]\"";
                    errors.Add($"{d.Path}:Route: '{routeText}' is not {shape}");
                }
            }

            var trusted = ImmutableArray.CreateBuilder<IPAddress>();
            foreach (var item in Items(d.GetSection("TrustedAddresses")))
            {
                if (IPAddress.TryParse(item.Value?.Trim(), out var address))
                {
                    trusted.Add(address);
                }
                else
                {
                    errors.Add($"{item.Path}: '{item.Value}' is not an IP address");
                }
            }

            domains.Add(new DomainConfig(name, protocol, route, trusted.ToImmutable()) { Tls = ReadDomainTls(d, errors) });
        }

        return domains;
    }

    private static ImmutableArray<PeeringConfig> ReadPeerings(IConfigurationSection section, List<string> errors)
    {
        var peerings = ImmutableArray.CreateBuilder<PeeringConfig>();
        foreach (var p in Items(section))
        {
            var domains = Items(p.GetSection("Domains"))
                .Select(i => (i.Value ?? string.Empty).Trim().ToLowerInvariant())
                .ToImmutableArray();
            var services = ImmutableHashSet.CreateBuilder<BridgeService>();
            foreach (var item in Items(p.GetSection("Services")))
            {
                if (ConfigNames.TryParseService(item.Value, out var service))
                {
                    services.Add(service);
                }
                else
                {
                    errors.Add($"{item.Path}: '{item.Value}' is not one of message, presence, chat, groupchat, filetransfer");
                }
            }

            peerings.Add(new PeeringConfig(domains, services.ToImmutable(), ReadBool(p.GetSection("DelegatedAuthorization"), false, errors)));
        }

        return peerings.ToImmutable();
    }

    /// <summary>Array children in index order; a plain value stands for a one-element array.</summary>
    private static IEnumerable<IConfigurationSection> Items(IConfigurationSection section)
    {
        if (section.Value is not null)
        {
            return [section];
        }

        return section.GetChildren()
            .OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
            .ThenBy(c => c.Key, StringComparer.Ordinal);
    }

    private static int ReadInt(IConfigurationSection section, int fallback, List<string> errors)
    {
        if (section.Value is null)
        {
            return fallback;
        }

        if (int.TryParse(section.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{section.Path}: '{section.Value}' is not an integer");
        return fallback;
    }

    private static bool ReadBool(IConfigurationSection section, bool fallback, List<string> errors)
    {
        if (section.Value is null)
        {
            return fallback;
        }

        if (bool.TryParse(section.Value.Trim(), out var value))
        {
            return value;
        }

        errors.Add($"{section.Path}: '{section.Value}' is not true or false");
        return fallback;
    }
}

using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bridge.Hosting.Configuration;

/// <summary>Bridge:Presence:Lists:&lt;address&gt;:{Name, Members[]}, Bridge:Presence:PrivateListsFolder and Bridge:Presence:RulesFolder.</summary>
public static partial class BridgeConfigReader
{
    private static PresenceSettings ReadPresence(IConfigurationSection section, List<string> errors)
    {
        var lists = ImmutableArray.CreateBuilder<ListConfig>();
        foreach (var list in section.GetSection("Lists").GetChildren())
        {
            if (!TryUserAddress(list.Key, out var address))
            {
                errors.Add($"{list.Path}: '{list.Key}' is not a user@domain address");
                continue;
            }
            var members = ImmutableArray.CreateBuilder<ChatAddress>();
            foreach (var member in list.GetSection("Members").GetChildren())
            {
                if (TryUserAddress(member.Value, out var m))
                {
                    members.Add(m);
                }
                else
                {
                    errors.Add($"{member.Path}: '{member.Value}' is not a user@domain address");
                }
            }
            lists.Add(new ListConfig(address, list.GetSection("Name").Value, members.ToImmutable()));
        }
        var folder = section.GetSection("PrivateListsFolder").Value;
        var rules = section.GetSection("RulesFolder").Value;
        return new PresenceSettings(lists.ToImmutable(), string.IsNullOrWhiteSpace(folder) ? null : folder, string.IsNullOrWhiteSpace(rules) ? null : rules);
    }

    /// <summary>"local@domain", written as an XMPP user would (unescaped local part).</summary>
    private static bool TryUserAddress(string? text, out ChatAddress address)
    {
        address = null!;
        var at = text?.LastIndexOf('@') ?? -1;
        if (text is null || at <= 0 || at == text.Length - 1 || text.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }
        address = new ChatAddress(text[..at].Trim(), text[(at + 1)..].Trim());
        return true;
    }
}

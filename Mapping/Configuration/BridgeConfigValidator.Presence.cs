namespace Bridge.Mapping.Configuration;

/// <summary>Checks of Bridge:Presence.</summary>
public static partial class BridgeConfigValidator
{
    private static void ValidatePresence(BridgeConfig config, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var list in config.Presence.Lists)
        {
            var key = $"Bridge:Presence:Lists:{list.Address}";
            if (!seen.Add(list.Address.ToString()))
            {
                errors.Add($"{key}: listed twice");
            }
            // The bridge serves a list to SIP watchers in the name of an XMPP domain.
            if (config.FindDomain(list.Address.Domain)?.Protocol != DomainProtocol.Xmpp)
            {
                errors.Add($"{key}: '{list.Address.Domain}' is not a configured xmpp domain");
            }
            if (list.Members.IsEmpty)
            {
                errors.Add($"{key}:Members: a list needs at least one member");
            }
            foreach (var member in list.Members)
            {
                if (config.FindDomain(member.Domain)?.Protocol != DomainProtocol.Xmpp)
                {
                    errors.Add($"{key}:Members: '{member}' is not in a configured xmpp domain");
                }
            }
        }
        if (config.Presence.PrivateListsFolder is { } folder && !Directory.Exists(folder))
        {
            errors.Add($"Bridge:Presence:PrivateListsFolder: '{folder}' is not a folder");
        }
        if (config.Presence.RulesFolder is { } rules && !Directory.Exists(rules))
        {
            errors.Add($"Bridge:Presence:RulesFolder: '{rules}' is not a folder");
        }
        for (var i = 0; i < config.Peerings.Length; i++)
        {
            if (config.Peerings[i].DelegatedAuthorization && config.Presence.RulesFolder is null)
            {
                errors.Add($"Bridge:Peerings:{i}:DelegatedAuthorization: needs Bridge:Presence:RulesFolder (the presentities' pres-rules)");
            }
        }
    }
}

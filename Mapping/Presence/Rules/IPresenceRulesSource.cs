using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Presence.Rules;

/// <summary>
/// Where a presentity's authorization rules come from (a folder of pres-rules documents, an XCAP server). Per
/// presentity state behind an interface, so that it can move with the presentity.
/// </summary>
public interface IPresenceRulesSource
{
    /// <summary>The presentity's rules; <see cref="PresenceRules.Empty"/> when it has none.</summary>
    PresenceRules RulesFor(ChatAddress presentity);
}

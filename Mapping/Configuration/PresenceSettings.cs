using System.Collections.Immutable;

namespace Bridge.Mapping.Configuration;

/// <summary>Presence settings (section "Bridge:Presence").</summary>
/// <param name="Lists">Lists served to SIP watchers, defined by the admin.</param>
/// <param name="PrivateListsFolder">
/// Folder of per-user RFC 4826 resource-lists documents, one file per SIP watcher named "user@domain.xml"; a
/// &lt;list name="N"&gt; in it is served to that watcher alone at sip:N@D for any XMPP domain D. Null for none.
/// </param>
/// <param name="RulesFolder">
/// Folder of RFC 5025 pres-rules documents, one per SIP presentity named "user@domain.xml", applied to XMPP watchers
/// when their peering has DelegatedAuthorization. Null for none (then nobody is allowed: delegation needs rules).
/// </param>
public sealed record PresenceSettings(ImmutableArray<ListConfig> Lists, string? PrivateListsFolder = null, string? RulesFolder = null)
{
    /// <summary>No lists.</summary>
    public static PresenceSettings None { get; } = new([]);

    /// <summary>Lists, never default.</summary>
    public ImmutableArray<ListConfig> Lists { get; init; } = Lists.IsDefault ? [] : Lists;

    public bool Equals(PresenceSettings? other) =>
        other is not null && PrivateListsFolder == other.PrivateListsFolder && RulesFolder == other.RulesFolder && Lists.SequenceEqual(other.Lists);

    public override int GetHashCode() => HashCode.Combine(PrivateListsFolder, Lists.Length);
}

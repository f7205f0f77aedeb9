using System.Collections.Immutable;
using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Presence.Rules;

/// <summary>
/// One rule of a presentity's authorization policy (RFC 4745 common-policy with RFC 5025 pres-rules), in
/// protocol-free terms. It applies to a watcher named in <see cref="Identities"/>, or of a domain in
/// <see cref="Domains"/> but not in <see cref="Except"/>; with no identity condition at all it applies to everyone
/// (RFC 4745 §7: an absent condition is true).
/// </summary>
/// <param name="Id">The rule's id, for logs.</param>
/// <param name="Identities">Bare watcher addresses (&lt;one id&gt;).</param>
/// <param name="Domains">Watcher domains (&lt;many domain&gt;); "*" for &lt;many/&gt; without a domain (any authenticated watcher).</param>
/// <param name="Except">Addresses excluded from the domains (&lt;except id&gt;).</param>
/// <param name="SubHandling">The action; null when the rule grants no subscription permission of its own.</param>
/// <param name="ProvideNote">Whether the watcher may see notes (status texts), RFC 5025 §3.3.5.</param>
/// <param name="ProvideActivities">Whether the watcher may see activities (and so the XMPP show), RFC 5025 §3.3.6.</param>
public sealed record PresenceRule(
    string Id,
    ImmutableArray<ChatAddress> Identities,
    ImmutableArray<string> Domains,
    ImmutableArray<ChatAddress> Except,
    SubHandling? SubHandling,
    bool ProvideNote,
    bool ProvideActivities)
{
    /// <summary>True when the rule's conditions hold for <paramref name="watcher"/>.</summary>
    public bool AppliesTo(ChatAddress watcher)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        var bare = watcher.Bare;
        if (Identities.IsDefaultOrEmpty && Domains.IsDefaultOrEmpty)
        {
            return true;
        }
        if (!Identities.IsDefaultOrEmpty && Identities.Contains(bare))
        {
            return true;
        }
        return !Domains.IsDefaultOrEmpty
            && Domains.Any(d => d == "*" || string.Equals(d, bare.Domain, StringComparison.OrdinalIgnoreCase))
            && (Except.IsDefaultOrEmpty || !Except.Contains(bare));
    }
}

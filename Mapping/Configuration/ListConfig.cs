using System.Collections.Immutable;
using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Configuration;

/// <summary>
/// A presence list the bridge serves to SIP watchers (RFC 4662 resource list server), defined by the admin:
/// <c>"Bridge:Presence:Lists": { "support@a.test": { "Name": "Support", "Members": [ "alice@a.test", "carol@a.test" ] } }</c>.
/// </summary>
/// <param name="Address">The list's own address, in an XMPP domain (SIP watchers subscribe to sip:support@a.test).</param>
/// <param name="Name">Display name; null for none.</param>
/// <param name="Members">XMPP users whose presence the list carries.</param>
public sealed record ListConfig(ChatAddress Address, string? Name, ImmutableArray<ChatAddress> Members)
{
    public bool Equals(ListConfig? other) =>
        other is not null && Address == other.Address && Name == other.Name && Members.SequenceEqual(other.Members);

    public override int GetHashCode() => HashCode.Combine(Address, Name, Members.Length);
}

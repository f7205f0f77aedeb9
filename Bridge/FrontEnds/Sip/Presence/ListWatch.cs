using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Sip;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// One SIP watcher's subscription to a list the bridge serves (RFC 4662 §4): the dialog's notifier, the members,
/// what is known of each (guarded by <see cref="Gate"/>), and the RLMI version counter.
/// </summary>
internal sealed class ListWatch(SipNotifier notifier, ChatAddress watcher, ListMember list, ImmutableArray<ListMember> members)
{
    public SipNotifier Notifier { get; } = notifier;

    public ChatAddress Watcher { get; } = watcher;

    /// <summary>The list's address and display names.</summary>
    public ListMember List { get; } = list;

    public ImmutableArray<ListMember> Members { get; } = members;

    /// <summary>Per member (bare address): "pending" until the XMPP user answers, then "active" or "terminated".</summary>
    public Dictionary<string, (string State, string? Reason, PresenceDocument? Document)> States { get; } = new(StringComparer.Ordinal);

    /// <summary>§5.2: increases by one with every notification of this subscription, starting at 0.</summary>
    public long NextVersion { get; set; }

    /// <summary>Set when the first, full-state notification is composed (§5.2: it comes first); partial ones wait for it.</summary>
    public bool InitialSent { get; set; }

    /// <summary>One NOTIFY at a time, so versions and CSeqs reach the watcher in order.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public bool Contains(ChatAddress member) => Members.Any(m => m.Address == member.Bare);
}

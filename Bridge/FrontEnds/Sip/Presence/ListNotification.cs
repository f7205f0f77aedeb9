using System.Collections.Immutable;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>One RFC 4662 list NOTIFY, read: the list's version, whether it states every member, and the members it speaks of.</summary>
public sealed record ListNotification(string ListUri, long Version, bool FullState, ImmutableArray<ListMemberState> Members);

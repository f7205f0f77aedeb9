using Bridge.Mapping.Presence;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// What one list NOTIFY says of one member (RFC 4662 §5.2): the state of its instance ("active", "pending",
/// "terminated", or null when the list server has no subscription to it yet), the termination reason, and its
/// presence when the notification carries a body part for it.
/// </summary>
public sealed record ListMemberState(ListMember Member, string? State, string? Reason, PresenceDocument? Document);

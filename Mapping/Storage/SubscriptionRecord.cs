using Bridge.Mapping.Addresses;

namespace Bridge.Mapping.Storage;

/// <summary>
/// One stored subscription: enough to carry it on after a restart. <see cref="State"/> and
/// <see cref="Data"/> belong to the front-end that wrote the record (for a SIP notifier, its dialog);
/// the store keeps them as opaque text.
/// </summary>
/// <param name="Role">Which side the watcher is on.</param>
/// <param name="Watcher">The watcher's bare address.</param>
/// <param name="Presentity">The presentity's bare address.</param>
/// <param name="State">A short state word, e.g. "pending", "active".</param>
/// <param name="Data">Front-end data, e.g. a serialized dialog; null when there is none.</param>
/// <param name="UpdatedAt">When the record was last written.</param>
public sealed record SubscriptionRecord(
    SubscriptionRole Role,
    ChatAddress Watcher,
    ChatAddress Presentity,
    string State,
    string? Data,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The key of this record: one subscription per role, watcher and presentity.</summary>
    public SubscriptionKey Key => new(Role, Watcher.Bare.ToString(), Presentity.Bare.ToString());
}

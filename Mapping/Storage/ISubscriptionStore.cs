namespace Bridge.Mapping.Storage;

/// <summary>
/// Where subscriptions live between restarts. Per-subscription state stays behind this interface so
/// that it can move off the machine later (one grain per presentity); the embedded default is SQLite.
/// <see cref="Save"/> and <see cref="Delete"/> only queue: they never block on the disk, and writes are
/// batched (never one fsync per stanza). <see cref="FlushAsync"/> waits until everything queued so far
/// is on disk.
/// </summary>
public interface ISubscriptionStore
{
    /// <summary>Every stored subscription, as of the last flush.</summary>
    Task<IReadOnlyList<SubscriptionRecord>> LoadAsync(CancellationToken ct);

    /// <summary>Inserts or replaces the record with the same <see cref="SubscriptionRecord.Key"/>.</summary>
    void Save(SubscriptionRecord record);

    /// <summary>Removes the record with this key, if any.</summary>
    void Delete(SubscriptionKey key);

    /// <summary>Completes when every Save and Delete queued before the call is written.</summary>
    Task FlushAsync(CancellationToken ct);
}

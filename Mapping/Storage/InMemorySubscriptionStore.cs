using System.Collections.Concurrent;

namespace Bridge.Mapping.Storage;

/// <summary>A store that keeps nothing across restarts: for tests, and for a bridge run without a storage path.</summary>
public sealed class InMemorySubscriptionStore : ISubscriptionStore
{
    private readonly ConcurrentDictionary<SubscriptionKey, SubscriptionRecord> records = new();

    public Task<IReadOnlyList<SubscriptionRecord>> LoadAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SubscriptionRecord>>([.. records.Values]);

    public void Save(SubscriptionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        records[record.Key] = record;
    }

    public void Delete(SubscriptionKey key) => records.TryRemove(key, out _);

    public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
}

using Bridge.Hosting.Storage;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Hosting.Storage;

[TestClass]
public sealed class SqliteSubscriptionStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private string _directory = "";

    [TestInitialize]
    public void Init()
    {
        _directory = Path.Combine(Path.GetTempPath(), "bridge-store-" + Guid.NewGuid().ToString("N"));
    }

    [TestCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string DbPath => Path.Combine(_directory, "nested", "bridge.db");

    private SqliteSubscriptionStore Open(TimeSpan? interval = null) =>
        new(DbPath, interval ?? TimeSpan.FromMilliseconds(20), NullLogger<SqliteSubscriptionStore>.Instance);

    private static SubscriptionRecord Record(SubscriptionRole role, string watcher, string presentity, string state, string? data = null)
    {
        static ChatAddress Parse(string text)
        {
            var at = text.LastIndexOf('@');
            return new ChatAddress(text[..at], text[(at + 1)..]);
        }
        return new SubscriptionRecord(role, Parse(watcher), Parse(presentity), state, data, At);
    }

    [TestMethod]
    public async Task Records_survive_a_reopen_with_every_field()
    {
        await using (var store = Open())
        {
            store.Save(Record(SubscriptionRole.XmppWatcher, "alice@a.test", "bob@b.test", "active"));
            store.Save(Record(SubscriptionRole.SipWatcher, "bob@b.test", "d'artagnan@a.test", "pending", "{\"callId\":\"x@y\"}"));
            await store.FlushAsync(CancellationToken.None);
        }

        await using var reopened = Open();
        var records = (await reopened.LoadAsync(CancellationToken.None)).OrderBy(r => r.Role).ToList();
        Assert.HasCount(2, records);
        Assert.AreEqual(Record(SubscriptionRole.XmppWatcher, "alice@a.test", "bob@b.test", "active"), records[0]);
        Assert.AreEqual(Record(SubscriptionRole.SipWatcher, "bob@b.test", "d'artagnan@a.test", "pending", "{\"callId\":\"x@y\"}"), records[1]);
        Assert.AreEqual(At, records[1].UpdatedAt);
    }

    [TestMethod]
    public async Task The_last_change_per_key_wins_and_deletes_remove()
    {
        await using (var store = Open())
        {
            store.Save(Record(SubscriptionRole.XmppWatcher, "alice@a.test", "bob@b.test", "pending"));
            store.Save(Record(SubscriptionRole.XmppWatcher, "alice@a.test", "bob@b.test", "active"));
            store.Save(Record(SubscriptionRole.XmppWatcher, "carol@a.test", "bob@b.test", "active"));
            store.Delete(new SubscriptionKey(SubscriptionRole.XmppWatcher, "carol@a.test", "bob@b.test"));
            // Same watcher and presentity in the other role is another subscription.
            store.Save(Record(SubscriptionRole.SipWatcher, "alice@a.test", "bob@b.test", "pending"));
            await store.FlushAsync(CancellationToken.None);
        }

        await using var reopened = Open();
        var records = await reopened.LoadAsync(CancellationToken.None);
        Assert.HasCount(2, records);
        Assert.AreEqual("active", records.Single(r => r.Role == SubscriptionRole.XmppWatcher).State);
        Assert.AreEqual("pending", records.Single(r => r.Role == SubscriptionRole.SipWatcher).State);
    }

    [TestMethod]
    public async Task Changes_are_written_in_batches_after_the_interval_without_a_flush()
    {
        await using var store = Open(TimeSpan.FromMilliseconds(50));
        await store.LoadAsync(CancellationToken.None); // opens the file
        for (var i = 0; i < 500; i++)
        {
            store.Save(Record(SubscriptionRole.XmppWatcher, $"user{i}@a.test", "bob@b.test", "active"));
        }

        // Another connection sees them once the writer has committed; no FlushAsync involved.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long count = 0;
        while (DateTime.UtcNow < deadline)
        {
            await using var reader = new SqliteConnection($"Data Source={DbPath};Pooling=False");
            await reader.OpenAsync();
            await using var command = reader.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM subscriptions";
            count = (long)(await command.ExecuteScalarAsync())!;
            if (count == 500)
            {
                break;
            }
            await Task.Delay(20);
        }
        Assert.AreEqual(500, count);
    }

    [TestMethod]
    public async Task A_change_after_a_quiet_spell_is_written_at_once_not_after_the_interval()
    {
        await using var store = Open(TimeSpan.FromMinutes(10));
        await store.LoadAsync(CancellationToken.None);
        store.Save(Record(SubscriptionRole.SipWatcher, "bob@b.test", "alice@a.test", "active"));

        // With a ten-minute interval only the group-commit rule can make this visible within the wait.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long count = 0;
        while (count == 0 && DateTime.UtcNow < deadline)
        {
            await using var reader = new SqliteConnection($"Data Source={DbPath};Pooling=False");
            await reader.OpenAsync();
            await using var command = reader.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM subscriptions";
            count = (long)(await command.ExecuteScalarAsync())!;
            await Task.Delay(20);
        }
        Assert.AreEqual(1, count);
    }

    [TestMethod]
    public async Task Dispose_writes_what_is_still_queued()
    {
        await using (var store = Open(TimeSpan.FromSeconds(30)))
        {
            await store.LoadAsync(CancellationToken.None);
            store.Save(Record(SubscriptionRole.SipWatcher, "bob@b.test", "alice@a.test", "active"));
        }

        await using var reopened = Open();
        Assert.HasCount(1, await reopened.LoadAsync(CancellationToken.None));
    }
}

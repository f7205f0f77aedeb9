using System.Threading.Channels;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Bridge.Hosting.Storage;

/// <summary>
/// The embedded default <see cref="ISubscriptionStore"/>: one SQLite file (WAL, synchronous=NORMAL).
/// Save and Delete go into a queue; one writer task commits what is queued in one transaction (the last
/// change per key winning), at once after a quiet spell and at most once per <c>flushInterval</c> during a
/// burst. So a burst of presence changes costs one commit per interval, and the stanza path never waits
/// for the disk.
/// </summary>
public sealed class SqliteSubscriptionStore : ISubscriptionStore, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS subscriptions (
            role TEXT NOT NULL,
            watcher_local TEXT, watcher_domain TEXT NOT NULL,
            presentity_local TEXT, presentity_domain TEXT NOT NULL,
            watcher TEXT NOT NULL, presentity TEXT NOT NULL,
            state TEXT NOT NULL, data TEXT, updated_at INTEGER NOT NULL,
            PRIMARY KEY (role, watcher, presentity));
        """;

    private readonly string _path;
    private readonly TimeSpan _flushInterval;
    private readonly ILogger<SqliteSubscriptionStore> _logger;
    private readonly Channel<Change> _queue = Channel.CreateUnbounded<Change>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _openGate = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private SqliteConnection? _connection;
    private Task? _writer;

    public SqliteSubscriptionStore(string path, TimeSpan flushInterval, ILogger<SqliteSubscriptionStore> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _flushInterval = flushInterval;
        _logger = logger;
    }

    public async Task<IReadOnlyList<SubscriptionRecord>> LoadAsync(CancellationToken ct)
    {
        var connection = await OpenAsync(ct).ConfigureAwait(false);
        var records = new List<SubscriptionRecord>();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT role, watcher_local, watcher_domain, presentity_local, presentity_domain, state, data, updated_at FROM subscriptions";
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            if (!Enum.TryParse<SubscriptionRole>(reader.GetString(0), out var role))
            {
                _logger.LogWarning("Skipping a stored subscription with unknown role {Role}", reader.GetString(0));
                continue;
            }
            records.Add(new SubscriptionRecord(
                role,
                new ChatAddress(reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)),
                new ChatAddress(reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }
        return records;
    }

    public void Save(SubscriptionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Enqueue(new Change(record.Key, record, null));
    }

    public void Delete(SubscriptionKey key) => Enqueue(new Change(key, null, null));

    public async Task FlushAsync(CancellationToken ct)
    {
        await OpenAsync(ct).ConfigureAwait(false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Change(default, null, done)))
        {
            return; // closed: DisposeAsync already wrote everything
        }
        await done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _closing.CancelAsync().ConfigureAwait(false); // no batching wait on the way out
        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        _openGate.Dispose();
        _closing.Dispose();
    }

    private void Enqueue(Change change)
    {
        if (!_queue.Writer.TryWrite(change))
        {
            _logger.LogWarning("Subscription store is closed; {Key} was not saved", change.Key);
            return;
        }
        if (_writer is null)
        {
            _ = OpenInBackgroundAsync();
        }
    }

    private async Task OpenInBackgroundAsync()
    {
        try
        {
            await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            _logger.LogError(e, "Cannot open the subscription store {Path}; subscriptions will not survive a restart", _path);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        if (_connection is { } open)
        {
            return open;
        }
        await _openGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_connection is { } raced)
            {
                return raced;
            }
            var directory = Path.GetDirectoryName(Path.GetFullPath(_path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; " + Schema;
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            _connection = connection;
            _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
            _logger.LogInformation("Subscription store: {Path}", Path.GetFullPath(_path));
            return connection;
        }
        finally
        {
            _openGate.Release();
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new Dictionary<SubscriptionKey, SubscriptionRecord?>();
        var waiters = new List<TaskCompletionSource>();
        var lastCommit = DateTime.MinValue;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Group commit: after a quiet spell a change is written at once (a crash right after a subscription
            // changed loses nothing); changes arriving within flushInterval of the last commit wait for the next
            // one, so a burst costs one transaction per interval, never one per stanza. A flush request never waits.
            var wait = lastCommit + _flushInterval - DateTime.UtcNow;
            if (wait > TimeSpan.Zero && reader.TryPeek(out var first) && first.Flushed is null)
            {
                try
                {
                    await Task.Delay(wait, _closing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
            while (reader.TryRead(out var change))
            {
                if (change.Flushed is { } waiter)
                {
                    waiters.Add(waiter);
                }
                else
                {
                    batch[change.Key] = change.Record;
                }
            }
            if (batch.Count > 0)
            {
                Write(batch);
                lastCommit = DateTime.UtcNow;
            }
            batch.Clear();
            foreach (var waiter in waiters)
            {
                waiter.TrySetResult();
            }
            waiters.Clear();
        }
    }

    private void Write(Dictionary<SubscriptionKey, SubscriptionRecord?> batch)
    {
        if (batch.Count == 0 || _connection is not { } connection)
        {
            return;
        }
        try
        {
            using var transaction = connection.BeginTransaction();
            using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT OR REPLACE INTO subscriptions
                    (role, watcher_local, watcher_domain, presentity_local, presentity_domain, watcher, presentity, state, data, updated_at)
                VALUES ($role, $wl, $wd, $pl, $pd, $w, $p, $state, $data, $at)
                """;
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM subscriptions WHERE role = $role AND watcher = $w AND presentity = $p";
            foreach (var (key, record) in batch)
            {
                if (record is null)
                {
                    delete.Parameters.Clear();
                    delete.Parameters.AddWithValue("$role", key.Role.ToString());
                    delete.Parameters.AddWithValue("$w", key.Watcher);
                    delete.Parameters.AddWithValue("$p", key.Presentity);
                    delete.ExecuteNonQuery();
                    continue;
                }
                upsert.Parameters.Clear();
                upsert.Parameters.AddWithValue("$role", key.Role.ToString());
                upsert.Parameters.AddWithValue("$wl", (object?)record.Watcher.Local ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$wd", record.Watcher.Domain);
                upsert.Parameters.AddWithValue("$pl", (object?)record.Presentity.Local ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$pd", record.Presentity.Domain);
                upsert.Parameters.AddWithValue("$w", key.Watcher);
                upsert.Parameters.AddWithValue("$p", key.Presentity);
                upsert.Parameters.AddWithValue("$state", record.State);
                upsert.Parameters.AddWithValue("$data", (object?)record.Data ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$at", record.UpdatedAt.ToUnixTimeMilliseconds());
                upsert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        catch (SqliteException e)
        {
            // Losing a batch loses restart continuity for those subscriptions, not the live ones: log and go on.
            _logger.LogError(e, "Could not write {Count} subscription changes to {Path}", batch.Count, _path);
        }
    }

    private readonly record struct Change(SubscriptionKey Key, SubscriptionRecord? Record, TaskCompletionSource? Flushed);
}

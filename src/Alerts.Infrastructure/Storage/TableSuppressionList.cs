using System.Collections.Frozen;
using Alerts.Core;
using Alerts.Core.Delivery;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// The suppression list in Table Storage: a row per address (keyed by a digest, so the key holds no address).
/// The dispatcher asks about every recipient, so the keys are read into memory at once (one paged query) and read again
/// when <see cref="SnapshotAge"/> old: a change followed by 100,000 people costs a few requests, not 100,000 reads. An address
/// suppressed by another instance is seen here within <see cref="SnapshotAge"/> (SendGrid keeps its own suppressions too);
/// one suppressed by this instance at once.
/// </summary>
internal sealed class TableSuppressionList(StorageBootstrapper storage, TimeProvider time) : ISuppressionList
{
    public static readonly TimeSpan SnapshotAge = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private Snapshot? _snapshot;

    public async Task<bool> IsSuppressedAsync(string email, CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).Keys.Contains(Key(email));

    public async Task SuppressAsync(string email, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = new TableEntity(Key(email), StorageNames.SingletonRowKey)
        {
            ["Email"] = email,
            ["Reason"] = reason.Length > 500 ? reason[..500] : reason,
            ["SuppressedAt"] = at,
        };
        await storage.Table(StorageNames.SuppressionsTable).UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        Volatile.Write(ref _snapshot, null);
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _snapshot) is { } fresh && time.GetElapsedTime(fresh.LoadedAt) < SnapshotAge)
        {
            return fresh;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _snapshot) is { } loaded && time.GetElapsedTime(loaded.LoadedAt) < SnapshotAge)
            {
                return loaded;
            }

            await storage.EnsureCreatedAsync(cancellationToken);
            var startedAt = time.GetTimestamp();
            var keys = new List<string>();
            await foreach (var row in storage.Table(StorageNames.SuppressionsTable).QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                keys.Add(row.PartitionKey);
            }

            var snapshot = new Snapshot(keys.ToFrozenSet(StringComparer.Ordinal), startedAt);
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    private static string Key(string email) => Ids.Digest("suppress|" + email.Trim().ToLowerInvariant(), 32);

    private sealed record Snapshot(FrozenSet<string> Keys, long LoadedAt);
}

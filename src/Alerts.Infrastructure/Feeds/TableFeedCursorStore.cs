using Alerts.Core.Feeds;
using Alerts.Infrastructure.Storage;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Feeds;

/// <summary>Each source's cursor in table <c>FeedCursors</c>: PartitionKey = source name, one row, with the time of the last successful poll.</summary>
internal sealed class TableFeedCursorStore(StorageBootstrapper storage) : IFeedCursorStore
{
    public async Task<string?> GetAsync(string source, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await storage.Table(StorageNames.FeedCursorsTable)
            .GetEntityIfExistsAsync<TableEntity>(source, StorageNames.SingletonRowKey, ["Cursor"], cancellationToken);
        return row.HasValue ? row.Value!.GetString("Cursor") : null;
    }

    public async Task<DateTimeOffset?> GetLastPollAsync(string source, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await storage.Table(StorageNames.FeedCursorsTable)
            .GetEntityIfExistsAsync<TableEntity>(source, StorageNames.SingletonRowKey, ["PolledAt"], cancellationToken);
        return row.HasValue ? row.Value!.GetDateTimeOffset("PolledAt") : null;
    }

    public async Task SaveAsync(string source, string? cursor, DateTimeOffset polledAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = new TableEntity(source, StorageNames.SingletonRowKey)
        {
            ["Cursor"] = cursor,
            ["PolledAt"] = polledAt,
        };
        await storage.Table(StorageNames.FeedCursorsTable).UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }
}

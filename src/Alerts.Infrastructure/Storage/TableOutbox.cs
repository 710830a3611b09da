using System.Globalization;
using System.Net;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// The outbox in Table Storage, partitioned by the minute an entry was written, so that "entries older than X" is a
/// range over a few small partitions, and a post's entries (one minute, one partition) go in 100-entity transactions.
/// The table holds only work in flight: entries are removed as soon as their change is dispatched.
/// </summary>
internal sealed class TableOutbox(StorageBootstrapper storage) : IOutbox
{
    private const int EntitiesPerTransaction = 100;

    public async Task AddAsync(IReadOnlyList<RatingChange> changes, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.OutboxTable);
        var partition = Bucket(at);
        await Task.WhenAll(changes
            .DistinctBy(c => RowKey(c.Ticker, c.Id))
            .Chunk(EntitiesPerTransaction)
            .Select(chunk => table.SubmitTransactionAsync(
                chunk.Select(c => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, RowKey(c.Ticker, c.Id))
                {
                    ["Ticker"] = c.Ticker,
                    ["ChangeId"] = c.Id,
                    ["CreatedAt"] = at,
                })),
                cancellationToken)));
    }

    public async Task RemoveAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.OutboxTable);
        foreach (var chunk in entries.DistinctBy(e => (Bucket(e.CreatedAt), RowKey(e.Ticker, e.ChangeId))).GroupBy(e => Bucket(e.CreatedAt)).SelectMany(g => g.Chunk(EntitiesPerTransaction)))
        {
            try
            {
                await table.SubmitTransactionAsync(
                    chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Bucket(e.CreatedAt), RowKey(e.Ticker, e.ChangeId)), ETag.All)),
                    cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                // One of them is gone already (removed by the re-driver): remove the rest one by one.
                await Task.WhenAll(chunk.Select(async e =>
                {
                    try
                    {
                        await table.DeleteEntityAsync(Bucket(e.CreatedAt), RowKey(e.Ticker, e.ChangeId), ETag.All, cancellationToken);
                    }
                    catch (RequestFailedException notFound) when (notFound.Status == (int)HttpStatusCode.NotFound)
                    {
                        // Gone already.
                    }
                }));
            }
        }
    }

    public async Task<IReadOnlyList<OutboxEntry>> GetDueAsync(DateTimeOffset createdBefore, int max, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var upper = Bucket(createdBefore);
        var entries = new List<OutboxEntry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {upper}");
        await foreach (var row in storage.Table(StorageNames.OutboxTable).QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            var created = row.GetDateTimeOffset("CreatedAt") ?? default;
            if (created >= createdBefore)
            {
                continue;
            }

            entries.Add(new OutboxEntry(row.GetString("Ticker"), row.GetString("ChangeId"), created));
            if (entries.Count == max)
            {
                break;
            }
        }

        return entries;
    }

    private static string Bucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    private static string RowKey(string ticker, string changeId) => $"{ticker}|{changeId}";
}

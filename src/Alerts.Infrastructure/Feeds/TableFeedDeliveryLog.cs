using Alerts.Core;
using Alerts.Core.Feeds;
using Alerts.Infrastructure.Storage;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// The deliveries a vendor pushed that were handled, in table <c>FeedDeliveries</c> (PartitionKey = source, RowKey = a
/// digest of the delivery id), so that a delivery sent again (a retry after a lost answer, or late, after a newer update
/// of its record) changes nothing. A delivery is recorded only once what it carried is stored.
/// </summary>
internal sealed class TableFeedDeliveryLog(StorageBootstrapper storage) : IFeedDeliveryLog
{
    public async Task<IReadOnlySet<string>> SeenAsync(string source, IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.FeedDeliveriesTable);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(deliveryIds.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(source, RowKey(id), ["DeliveryId"], ct);
            if (row.HasValue)
            {
                seen[id] = true;
            }
        });
        return seen.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>One transaction per 100 deliveries.</summary>
    public async Task RecordAsync(string source, IReadOnlyList<string> deliveryIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.FeedDeliveriesTable);
        foreach (var chunk in deliveryIds.Distinct(StringComparer.Ordinal).Chunk(100))
        {
            await table.SubmitTransactionAsync(
                chunk.Select(id => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(source, RowKey(id)) { ["DeliveryId"] = id.Length > 200 ? id[..200] : id, ["HandledAt"] = at })),
                cancellationToken);
        }
    }

    private static string RowKey(string deliveryId) => Ids.Digest(deliveryId, 40);
}

using Alerts.Core.Delivery;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Storage;

/// <summary>The alerts already emailed, a row per alert id.</summary>
internal sealed class TableSentAlertLog(StorageBootstrapper storage) : ISentAlertLog
{
    public async Task<bool> WasSentAsync(string alertId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await storage.Table(StorageNames.SentAlertsTable)
            .GetEntityIfExistsAsync<TableEntity>(alertId, StorageNames.SingletonRowKey, ["SentAt"], cancellationToken);
        return row.HasValue;
    }

    public async Task RecordSentAsync(string alertId, string subscriptionId, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = new TableEntity(alertId, StorageNames.SingletonRowKey)
        {
            ["SubscriptionId"] = subscriptionId,
            ["SentAt"] = sentAt,
        };
        try
        {
            await storage.Table(StorageNames.SentAlertsTable).AddEntityAsync(row, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Recorded already by an earlier attempt.
        }
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using Alerts.Core.Digests;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// Held alerts (a partition per subscriber, a row per alert id, and the <c>batch</c> row of a digest being sent), the
/// due index (a partition per due minute, a row per subscriber), and the hourly send count of capped subscribers.
/// </summary>
internal sealed class TableHeldAlertStore(StorageBootstrapper storage) : IHeldAlertStore, IHourlySendCounter
{
    private const string MinuteFormat = "yyyyMMddHHmm";
    private const int WriteParallelism = 16;

    public async Task HoldAsync(HeldAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = new TableEntity(alert.SubscriptionId, StorageNames.HeldAlertPrefix + alert.AlertId)
        {
            ["AlertId"] = alert.AlertId,
            ["Change"] = JsonSerializer.Serialize(alert.Change, InfrastructureJsonContext.Default.RatingChange),
            ["DueAt"] = alert.DueAt,
            ["HeldAt"] = alert.HeldAt,
        };
        try
        {
            await storage.Table(StorageNames.HeldAlertsTable).AddEntityAsync(row, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // Held before (a redelivered message): the row keeps its first due time.
            var existing = await storage.Table(StorageNames.HeldAlertsTable)
                .GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, ["DueAt"], cancellationToken);
            if (existing.HasValue && existing.Value!.GetDateTimeOffset("DueAt") is { } due)
            {
                alert = alert with { DueAt = due };
            }
        }

        // Written after the held row, and as a new version each time: a job that read the due row before this alert was
        // held cannot remove it (its delete is conditional on the version it read), so the alert is never stranded.
        var dueRow = new TableEntity(Minute(alert.DueAt), alert.SubscriptionId)
        {
            ["DueAt"] = alert.DueAt,
            ["LastAlertId"] = alert.AlertId,
        };
        await storage.Table(StorageNames.DigestsDueTable).UpsertEntityAsync(dueRow, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<DueDigest>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {Minute(now)}");
        var due = new List<DueDigest>();
        await foreach (var row in storage.Table(StorageNames.DigestsDueTable).QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            due.Add(new DueDigest(row.RowKey, row.GetDateTimeOffset("DueAt") ?? ParseMinute(row.PartitionKey), row.ETag.ToString()));
            if (due.Count >= max)
            {
                break;
            }
        }

        return due;
    }

    public async Task<HeldAlerts> ReadAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {subscriptionId}");
        var alerts = new List<HeldAlert>();
        DigestBatch? batch = null;
        await foreach (var row in storage.Table(StorageNames.HeldAlertsTable).QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (row.RowKey == StorageNames.DigestBatchRowKey)
            {
                batch = new DigestBatch(
                    row.GetString("DigestId"),
                    (row.GetString("AlertIds") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries),
                    row.GetDateTimeOffset("StartedAt") ?? default);
            }
            else if (row.RowKey.StartsWith(StorageNames.HeldAlertPrefix, StringComparison.Ordinal)
                && JsonSerializer.Deserialize(row.GetString("Change") ?? "null", InfrastructureJsonContext.Default.RatingChange) is { } change)
            {
                alerts.Add(new HeldAlert(row.GetString("AlertId"), subscriptionId, change, row.GetDateTimeOffset("DueAt") ?? default, row.GetDateTimeOffset("HeldAt") ?? default));
            }
        }

        return new HeldAlerts(alerts, batch);
    }

    public async Task<bool> StartBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = new TableEntity(subscriptionId, StorageNames.DigestBatchRowKey)
        {
            ["DigestId"] = batch.DigestId,
            ["AlertIds"] = string.Join(',', batch.AlertIds),
            ["StartedAt"] = batch.StartedAt,
        };
        try
        {
            await storage.Table(StorageNames.HeldAlertsTable).AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public async Task CompleteBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await DropAsync(subscriptionId, batch.AlertIds.ToList(), withBatch: true, cancellationToken);
    }

    public async Task DropAsync(string subscriptionId, IReadOnlyCollection<string> alertIds, bool withBatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alertIds);
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.HeldAlertsTable);

        // Deleting a row that is not there succeeds (the SDK answers the 404 without throwing). The batch row goes last.
        await Parallel.ForEachAsync(
            alertIds,
            new ParallelOptions { MaxDegreeOfParallelism = WriteParallelism, CancellationToken = cancellationToken },
            async (alertId, ct) => await table.DeleteEntityAsync(subscriptionId, StorageNames.HeldAlertPrefix + alertId, ETag.All, ct));
        if (withBatch)
        {
            await table.DeleteEntityAsync(subscriptionId, StorageNames.DigestBatchRowKey, ETag.All, cancellationToken);
        }
    }

    public async Task<bool> RemoveDueAsync(DueDigest due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        await storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await storage.Table(StorageNames.DigestsDueTable).DeleteEntityAsync(Minute(due.DueAt), due.SubscriptionId, new ETag(due.Version), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<int> CountAsync(string subscriptionId, DateTimeOffset hourStart, int max, string alertId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.HourlySendsTable);
        var hour = Minute(hourStart);

        // One row per subscriber, holding the current hour's alert ids; read, decide, write with the ETag read.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(subscriptionId, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
            var counted = existing.HasValue && existing.Value!.GetString("Hour") == hour
                ? (existing.Value.GetString("AlertIds") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).ToList()
                : [];
            var index = counted.IndexOf(alertId);
            if (index >= 0)
            {
                return index;
            }

            if (counted.Count >= max)
            {
                return counted.Count;
            }

            counted.Add(alertId);
            var row = new TableEntity(subscriptionId, StorageNames.SingletonRowKey) { ["Hour"] = hour, ["AlertIds"] = string.Join(',', counted) };
            try
            {
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(row, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(row, cancellationToken);
                }

                return counted.Count - 1;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Another dispatcher counted first: read again.
            }
        }

        throw new InvalidOperationException($"The hourly count of subscription {subscriptionId} kept changing; try again.");
    }

    private static string Minute(DateTimeOffset at) => at.UtcDateTime.ToString(MinuteFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseMinute(string minute) =>
        DateTimeOffset.ParseExact(minute, MinuteFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

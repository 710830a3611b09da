using Alerts.Core;
using Alerts.Core.Delivery;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Storage;

/// <summary>The suppression list in Table Storage: a row per address (keyed by a digest, so the key holds no address).</summary>
internal sealed class TableSuppressionList(StorageBootstrapper storage) : ISuppressionList
{
    public async Task<bool> IsSuppressedAsync(string email, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await storage.Table(StorageNames.SuppressionsTable)
            .GetEntityIfExistsAsync<TableEntity>(Key(email), StorageNames.SingletonRowKey, ["Reason"], cancellationToken);
        return row.HasValue;
    }

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
    }

    private static string Key(string email) => Ids.Digest("suppress|" + email.Trim().ToLowerInvariant(), 32);
}

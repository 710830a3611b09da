using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Alerts.Core;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// Subscriptions (a row each, partitioned by id) and the subscriber index (a partition per ticker, a row per
/// subscriber, carrying the rules), so that matching a change reads only its ticker's partition.
/// </summary>
internal sealed class TableSubscriptionStore(StorageBootstrapper storage) : ISubscriptionStore, ISubscriberIndex
{
    public async Task CreateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await storage.Table(StorageNames.SubscriptionsTable).AddEntityAsync(ToRow(subscription), cancellationToken);
    }

    public async Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await storage.Table(StorageNames.SubscriptionsTable)
            .GetEntityIfExistsAsync<TableEntity>(id, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    public async Task ActivateAsync(Subscription subscription, DateTimeOffset confirmedAt, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var index = storage.Table(StorageNames.SubscriberIndexTable);
        await Parallel.ForEachAsync(
            subscription.Tickers,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (ticker, ct) => await index.UpsertEntityAsync(IndexRow(ticker, subscription), TableUpdateMode.Replace, ct));

        var active = subscription with { Status = SubscriptionStatus.Active, ConfirmedAt = confirmedAt };
        await storage.Table(StorageNames.SubscriptionsTable).UpsertEntityAsync(ToRow(active), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task DeleteAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var index = storage.Table(StorageNames.SubscriberIndexTable);
        await Parallel.ForEachAsync(
            subscription.Tickers,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (ticker, ct) => await index.DeleteEntityAsync(ticker, subscription.Id, ETag.All, ct));
        await storage.Table(StorageNames.SubscriptionsTable).DeleteEntityAsync(subscription.Id, StorageNames.SingletonRowKey, ETag.All, cancellationToken);
    }

    public async IAsyncEnumerable<Subscriber> GetSubscribersAsync(string ticker, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ticker}");
        await foreach (var row in storage.Table(StorageNames.SubscriberIndexTable).QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return new Subscriber(row.RowKey, row.GetString("Email"), ReadRules(row));
        }
    }

    public async Task<bool> TryCountConfirmationAsync(string email, DateTimeOffset now, int maxPerHour, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.ConfirmationLogTable);
        var key = Ids.Digest("confirm|" + email.ToLowerInvariant(), 32);
        var windowStart = now.AddHours(-1).ToUnixTimeSeconds();

        // Optimistic concurrency: read, decide, write with the ETag read; on a lost race, read again.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(key, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
            var recent = existing.HasValue
                ? (existing.Value!.GetString("SentAt") ?? string.Empty)
                    .Split(';', StringSplitOptions.RemoveEmptyEntries)
                    .Select(t => long.Parse(t, CultureInfo.InvariantCulture))
                    .Where(t => t > windowStart)
                    .ToList()
                : [];
            if (recent.Count >= maxPerHour)
            {
                return false;
            }

            recent.Add(now.ToUnixTimeSeconds());
            var row = new TableEntity(key, StorageNames.SingletonRowKey)
            {
                ["SentAt"] = string.Join(';', recent.Select(t => t.ToString(CultureInfo.InvariantCulture))),
            };
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

                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else counted first: read again.
            }
        }

        return false;
    }

    private static TableEntity ToRow(Subscription subscription) => new(subscription.Id, StorageNames.SingletonRowKey)
    {
        ["Email"] = subscription.Email,
        ["Tickers"] = string.Join(',', subscription.Tickers),
        ["Status"] = subscription.Status.ToString(),
        ["CreatedAt"] = subscription.CreatedAt,
        ["ConfirmedAt"] = subscription.ConfirmedAt,
        ["Actions"] = string.Join(',', subscription.Rules.Actions.Select(a => a.ToWireName())),
        ["Firms"] = JsonSerializer.Serialize(subscription.Rules.Firms, InfrastructureJsonContext.Default.IReadOnlyListString),
        ["MinTargetChangePct"] = Tables.FromDecimal(subscription.Rules.MinTargetChangePct),
    };

    private static TableEntity IndexRow(string ticker, Subscription subscription) => new(ticker, subscription.Id)
    {
        ["Email"] = subscription.Email,
        ["Actions"] = string.Join(',', subscription.Rules.Actions.Select(a => a.ToWireName())),
        ["Firms"] = JsonSerializer.Serialize(subscription.Rules.Firms, InfrastructureJsonContext.Default.IReadOnlyListString),
        ["MinTargetChangePct"] = Tables.FromDecimal(subscription.Rules.MinTargetChangePct),
    };

    private static Subscription FromRow(TableEntity row) => new()
    {
        Id = row.PartitionKey,
        Email = row.GetString("Email"),
        Tickers = (row.GetString("Tickers") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries),
        Status = Enum.Parse<SubscriptionStatus>(row.GetString("Status") ?? nameof(SubscriptionStatus.Pending)),
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? default,
        ConfirmedAt = row.GetDateTimeOffset("ConfirmedAt"),
        Rules = ReadRules(row),
    };

    private static SubscriberRules ReadRules(TableEntity row)
    {
        var actions = (row.GetString("Actions") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => RatingActions.TryParse(a, out var action) ? action : (RatingAction?)null)
            .OfType<RatingAction>()
            .ToArray();
        var firmsJson = row.GetString("Firms");
        var firms = string.IsNullOrEmpty(firmsJson)
            ? []
            : JsonSerializer.Deserialize(firmsJson, InfrastructureJsonContext.Default.IReadOnlyListString) ?? [];
        return new SubscriberRules { Actions = actions, Firms = firms, MinTargetChangePct = Tables.ToDecimal(row.GetString("MinTargetChangePct")) };
    }
}

using System.Net;
using Alerts.Core;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// The change log in Table Storage. Each ticker is a partition holding, for every change:
/// a log row (<c>log_{inverted ticks}_{id}</c>, so a range read returns newest first) and its key rows
/// (<c>key_c_{content id}</c> and, when the sender gave an id, <c>key_s_{digest}</c>).
/// A change and its key rows are written in one entity-group transaction, so a repeat fails on its key row
/// and is never stored twice, even when two requests race.
/// </summary>
internal sealed class TableRatingChangeStore(StorageBootstrapper storage) : IRatingChangeStore
{
    /// <summary>Entity-group transactions hold at most 100 entities; a change takes up to 3.</summary>
    private const int ChangesPerTransaction = 33;

    public async Task<IReadOnlyList<string?>> AddAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.RatingChangesTable);
        var results = new string?[changes.Count];
        var positions = changes.Select((change, index) => (change, index)).ToList();

        await Parallel.ForEachAsync(
            positions.GroupBy(p => p.change.Ticker).SelectMany(g => g.Chunk(ChangesPerTransaction)),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                var pending = chunk.ToList();
                while (pending.Count > 0)
                {
                    try
                    {
                        await table.SubmitTransactionAsync(pending.SelectMany(p => Rows(p.change)).Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct);
                        return;
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
                    {
                        // Some change of the chunk is stored already: find which, report them, store the rest.
                        var existing = await FindExistingAsync(table, pending.Select(p => p.change).ToList(), ct);
                        var stillPending = new List<(RatingChange change, int index)>();
                        for (var i = 0; i < pending.Count; i++)
                        {
                            if (existing[i] is { } id)
                            {
                                results[pending[i].index] = id;
                            }
                            else
                            {
                                stillPending.Add(pending[i]);
                            }
                        }

                        if (stillPending.Count == pending.Count)
                        {
                            // Key rows are never deleted, so a conflict always leaves one to find; if none is found, say so.
                            throw;
                        }

                        pending = stillPending;
                    }
                }
            });

        return results;
    }

    public async Task<IReadOnlyList<string?>> FindExistingAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        return await FindExistingAsync(storage.Table(StorageNames.RatingChangesTable), changes, cancellationToken);
    }

    public async Task MarkAsync(RatingChange change, DispatchState state, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = new TableEntity(change.Ticker, LogRowKey(change)) { ["DispatchState"] = state.ToString() };
        await storage.Table(StorageNames.RatingChangesTable).UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task<IReadOnlyList<RatingChange>> GetHistoryAsync(string ticker, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var upper = since is { } s ? StorageNames.LogRowPrefix + Tables.InvertedTicks(s) + "_~" : StorageNames.LogRowPrefix + "~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ticker} and RowKey ge {StorageNames.LogRowPrefix} and RowKey lt {upper}");
        var changes = new List<RatingChange>(Math.Min(limit, 1000));
        await foreach (var row in storage.Table(StorageNames.RatingChangesTable).QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken))
        {
            changes.Add(FromRow(row));
            if (changes.Count == limit)
            {
                break;
            }
        }

        return changes;
    }

    internal static string LogRowKey(RatingChange change) =>
        StorageNames.LogRowPrefix + Tables.InvertedTicks(change.PublishedAt) + "_" + change.Id;

    internal static string SenderKeyRowKey(RatingChange change) =>
        StorageNames.SenderKeyPrefix + Ids.Digest($"{change.Source}|{change.SenderId}", 32);

    private static async Task<string?[]> FindExistingAsync(TableClient table, IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken)
    {
        return await Task.WhenAll(changes.Select(async change =>
        {
            var byContent = await table.GetEntityIfExistsAsync<TableEntity>(
                change.Ticker, StorageNames.ContentKeyPrefix + change.Id, ["ChangeId"], cancellationToken);
            if (byContent.HasValue)
            {
                return byContent.Value!.GetString("ChangeId");
            }

            if (change.SenderId is null)
            {
                return null;
            }

            var bySender = await table.GetEntityIfExistsAsync<TableEntity>(change.Ticker, SenderKeyRowKey(change), ["ChangeId"], cancellationToken);
            return bySender.HasValue ? bySender.Value!.GetString("ChangeId") : null;
        }));
    }

    private static IEnumerable<TableEntity> Rows(RatingChange change)
    {
        var logRowKey = LogRowKey(change);
        yield return ToRow(change, logRowKey);
        yield return new TableEntity(change.Ticker, StorageNames.ContentKeyPrefix + change.Id)
        {
            ["ChangeId"] = change.Id,
            ["LogRowKey"] = logRowKey,
        };
        if (change.SenderId is not null)
        {
            yield return new TableEntity(change.Ticker, SenderKeyRowKey(change))
            {
                ["ChangeId"] = change.Id,
                ["LogRowKey"] = logRowKey,
                ["SenderId"] = change.SenderId,
                ["Source"] = change.Source,
            };
        }
    }

    private static TableEntity ToRow(RatingChange change, string rowKey) => new(change.Ticker, rowKey)
    {
        ["ChangeId"] = change.Id,
        ["Company"] = change.Company,
        ["Firm"] = change.Firm,
        ["Analyst"] = change.Analyst,
        ["Action"] = change.Action.ToWireName(),
        ["FromRating"] = change.FromRating,
        ["ToRating"] = change.ToRating,
        ["FromLevel"] = change.FromLevel.ToWireName(),
        ["ToLevel"] = change.ToLevel.ToWireName(),
        ["FromTarget"] = Tables.FromDecimal(change.FromTarget),
        ["ToTarget"] = Tables.FromDecimal(change.ToTarget),
        ["Currency"] = change.Currency,
        ["TargetChangePct"] = Tables.FromDecimal(change.TargetChangePct),
        ["PublishedAt"] = change.PublishedAt,
        ["ReceivedAt"] = change.ReceivedAt,
        ["Source"] = change.Source,
        ["Url"] = change.Url,
        ["SenderId"] = change.SenderId,
        ["DispatchState"] = DispatchState.Pending.ToString(),
    };

    private static RatingChange FromRow(TableEntity row)
    {
        RatingActions.TryParse(row.GetString("Action"), out var action);
        return new RatingChange
        {
            Id = row.GetString("ChangeId"),
            Ticker = row.PartitionKey,
            Company = row.GetString("Company"),
            Firm = row.GetString("Firm"),
            Analyst = row.GetString("Analyst"),
            Action = action,
            FromRating = row.GetString("FromRating"),
            ToRating = row.GetString("ToRating"),
            FromLevel = RatingLevels.FromWireName(row.GetString("FromLevel")),
            ToLevel = RatingLevels.FromWireName(row.GetString("ToLevel")),
            FromTarget = Tables.ToDecimal(row.GetString("FromTarget")),
            ToTarget = Tables.ToDecimal(row.GetString("ToTarget")),
            Currency = row.GetString("Currency") ?? RatingChangeNormalizer.DefaultCurrency,
            TargetChangePct = Tables.ToDecimal(row.GetString("TargetChangePct")),
            PublishedAt = row.GetDateTimeOffset("PublishedAt") ?? default,
            ReceivedAt = row.GetDateTimeOffset("ReceivedAt") ?? default,
            Source = row.GetString("Source"),
            Url = row.GetString("Url"),
            SenderId = row.GetString("SenderId"),
        };
    }
}

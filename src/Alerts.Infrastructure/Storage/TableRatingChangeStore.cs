using System.Globalization;
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
/// and is never stored twice, even when two requests race. A sender's record re-sent with other content is a
/// correction: stored (visible in history) and pointing at the change it corrects, the sender key moved to it.
/// A change stored pending dispatch also gets its pending row (<c>pending_{id}</c>) in the same transaction: the outbox
/// record of the change, removed in the transaction that marks it dispatched (one per ticker and post).
/// </summary>
internal sealed class TableRatingChangeStore(StorageBootstrapper storage) : IRatingChangeStore
{
    /// <summary>Entity-group transactions hold at most 100 entities; a change takes up to 4.</summary>
    private const int ChangesPerTransaction = 25;

    /// <summary>A mark takes 2 actions (the log row's state, the pending row's removal).</summary>
    private const int MarksPerTransaction = 50;

    public Task<IReadOnlyList<StoreResult>> AddAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken) =>
        AddAsync(changes, static _ => DispatchState.Pending, cancellationToken);

    public async Task<IReadOnlyList<StoreResult>> AddAsync(IReadOnlyList<RatingChange> changes, Func<RatingChange, DispatchState> initialState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(initialState);
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.RatingChangesTable);
        var results = new StoreResult[changes.Count];
        var positions = changes.Select((change, index) => (change, index)).ToList();
        await IndexSendersAsync(table, changes, cancellationToken);

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
                        await table.SubmitTransactionAsync(pending.SelectMany(p => Rows(p.change, correctionOf: null, initialState(p.change))).Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct);
                        foreach (var (_, index) in pending)
                        {
                            results[index] = StoreResult.Stored;
                        }

                        return;
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
                    {
                        // Some change of the chunk is known already: find which, settle them, store the rest together.
                        var existing = await FindExistingAsync(table, pending.Select(p => p.change).ToList(), ct);
                        var stillPending = new List<(RatingChange change, int index)>();
                        for (var i = 0; i < pending.Count; i++)
                        {
                            var (change, index) = pending[i];
                            switch (existing[i].Kind)
                            {
                                case StoreResultKind.Duplicate:
                                    results[index] = existing[i];
                                    await RememberSenderAsync(table, change, existing[i].ExistingId!, ct);
                                    break;
                                case StoreResultKind.Correction:
                                    results[index] = await AddCorrectionAsync(table, change, existing[i].ExistingId!, initialState, ct);
                                    break;
                                default:
                                    stillPending.Add(pending[i]);
                                    break;
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

    public async Task<IReadOnlyList<StoreResult>> FindExistingAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        return await FindExistingAsync(storage.Table(StorageNames.RatingChangesTable), changes, cancellationToken);
    }

    public async Task MarkAsync(IReadOnlyList<DispatchMark> marks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marks);
        if (marks.Count == 0)
        {
            return;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.RatingChangesTable);
        await Parallel.ForEachAsync(
            marks.DistinctBy(m => (m.Change.Ticker, m.Change.Id)).GroupBy(m => m.Change.Ticker).SelectMany(g => g.Chunk(MarksPerTransaction)),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                try
                {
                    await table.SubmitTransactionAsync(chunk.SelectMany(MarkActions), ct);
                }
                catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
                {
                    // A pending row is gone already (a redelivered message, or the sweep, finished that change): one by one.
                    foreach (var mark in chunk)
                    {
                        await table.UpdateEntityAsync(StateRow(mark), ETag.All, TableUpdateMode.Merge, ct);
                        try
                        {
                            await table.DeleteEntityAsync(mark.Change.Ticker, PendingRowKey(mark.Change.Id), ETag.All, ct);
                        }
                        catch (RequestFailedException notFound) when (notFound.Status == (int)HttpStatusCode.NotFound)
                        {
                            // Gone already.
                        }
                    }
                }
            });

        static IEnumerable<TableTransactionAction> MarkActions(DispatchMark mark)
        {
            yield return new TableTransactionAction(TableTransactionActionType.UpdateMerge, StateRow(mark), ETag.All);
            yield return new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(mark.Change.Ticker, PendingRowKey(mark.Change.Id)), ETag.All);
        }

        static TableEntity StateRow(DispatchMark mark) =>
            new(mark.Change.Ticker, LogRowKey(mark.Change)) { ["DispatchState"] = mark.State.ToString() };
    }

    public async Task<IReadOnlyList<RatingChange>> GetPendingAsync(string ticker, DateTimeOffset receivedBefore, int max, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.RatingChangesTable);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {ticker} and RowKey ge {StorageNames.PendingRowPrefix} and RowKey lt {StorageNames.PendingRowPrefix + "~"} and ReceivedAt lt {receivedBefore}");
        var pending = new List<(string LogRowKey, DateTimeOffset ReceivedAt)>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), select: ["LogRowKey", "ReceivedAt"], cancellationToken: cancellationToken))
        {
            pending.Add((row.GetString("LogRowKey"), row.GetDateTimeOffset("ReceivedAt") ?? default));
            if (pending.Count == max)
            {
                break;
            }
        }

        var changes = new List<RatingChange>(pending.Count);
        foreach (var (logRowKey, _) in pending.OrderBy(p => p.ReceivedAt))
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(ticker, logRowKey, cancellationToken: cancellationToken);
            if (row.HasValue)
            {
                changes.Add(FromRow(row.Value!));
            }
        }

        return changes;
    }

    public async Task<(RatingChange Change, DispatchState State)?> GetAsync(string ticker, string changeId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.RatingChangesTable);
        var key = await table.GetEntityIfExistsAsync<TableEntity>(ticker, StorageNames.ContentKeyPrefix + changeId, ["ChangeId", "LogRowKey"], cancellationToken);
        if (!key.HasValue || key.Value!.GetString("ChangeId") != changeId)
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(ticker, key.Value.GetString("LogRowKey"), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var state = Enum.TryParse<DispatchState>(row.Value!.GetString("DispatchState"), out var parsed) ? parsed : DispatchState.Pending;
        return (FromRow(row.Value), state);
    }

    public async Task<(RatingChange Change, DispatchState State)?> GetBySenderAsync(string source, string senderId, string? ticker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(senderId);
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.RatingChangesTable);
        var probe = new RatingChange { Id = string.Empty, Ticker = ticker ?? string.Empty, Firm = string.Empty, Action = RatingAction.Reiterate, Currency = string.Empty, PublishedAt = default, ReceivedAt = default, Source = source, SenderId = senderId };
        if (ticker is null)
        {
            var noted = await table.GetEntityIfExistsAsync<TableEntity>(SenderIndexPartition(source), SenderKeyRowKey(probe), ["Ticker"], cancellationToken);
            if (!noted.HasValue || noted.Value!.GetString("Ticker") is not { Length: > 0 } notedTicker)
            {
                return null;
            }

            probe = probe with { Ticker = notedTicker };
        }

        var key = await table.GetEntityIfExistsAsync<TableEntity>(probe.Ticker, SenderKeyRowKey(probe), ["ChangeId"], cancellationToken);
        return key.HasValue ? await GetAsync(probe.Ticker, key.Value!.GetString("ChangeId"), cancellationToken) : null;
    }

    public Task<IReadOnlyList<RatingChange>> GetHistoryAsync(string ticker, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        var upper = since is { } s ? StorageNames.LogRowPrefix + Tables.InvertedTicks(s) + "_~" : StorageNames.LogRowPrefix + "~";
        return QueryLogAsync(ticker, StorageNames.LogRowPrefix, upper, limit, cancellationToken);
    }

    public Task<IReadOnlyList<RatingChange>> GetWindowAsync(string ticker, DateTimeOffset from, DateTimeOffset until, int limit, CancellationToken cancellationToken) =>
        // Newest first: the row key carries inverted ticks, so "until" is the lower key bound and "from" the upper one.
        QueryLogAsync(ticker, StorageNames.LogRowPrefix + Tables.InvertedTicks(until), StorageNames.LogRowPrefix + Tables.InvertedTicks(from) + "_~", limit, cancellationToken);

    /// <summary>Log rows of one partition with <paramref name="lower"/> &lt;= RowKey &lt; <paramref name="upper"/>, read page by page up to <paramref name="limit"/>.</summary>
    private async Task<IReadOnlyList<RatingChange>> QueryLogAsync(string ticker, string lower, string upper, int limit, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ticker} and RowKey ge {lower} and RowKey lt {upper}");
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

    /// <summary>The index partition of a source: its name digested, as a sender-given name may hold characters a key may not.</summary>
    internal static string SenderIndexPartition(string source) => StorageNames.SenderIndexPartitionPrefix + Ids.Digest(source, 16);

    internal static string SenderKeyRowKey(RatingChange change) =>
        StorageNames.SenderKeyPrefix + Ids.Digest($"{change.Source}|{change.SenderId}", 32);

    private static async Task<StoreResult[]> FindExistingAsync(TableClient table, IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken)
    {
        return await Task.WhenAll(changes.Select(async change =>
        {
            var byContent = await table.GetEntityIfExistsAsync<TableEntity>(
                change.Ticker, StorageNames.ContentKeyPrefix + change.Id, ["ChangeId"], cancellationToken);
            if (byContent.HasValue)
            {
                return StoreResult.DuplicateOf(byContent.Value!.GetString("ChangeId"));
            }

            if (change.SenderId is null)
            {
                return StoreResult.Stored;
            }

            // The sender's record is known with other content: this is the sender correcting it.
            var bySender = await table.GetEntityIfExistsAsync<TableEntity>(change.Ticker, SenderKeyRowKey(change), ["ChangeId"], cancellationToken);
            return bySender.HasValue ? StoreResult.CorrectionOf(bySender.Value!.GetString("ChangeId")) : StoreResult.Stored;
        }));
    }

    /// <summary>
    /// Stores a correction: its log row (pointing at the change it corrects), its content key, and the sender key moved
    /// to it (under the ETag read, so two racing corrections cannot both win). A lost race is settled by reading again.
    /// </summary>
    private async Task<StoreResult> AddCorrectionAsync(TableClient table, RatingChange change, string correctedId, Func<RatingChange, DispatchState> initialState, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var senderKey = await table.GetEntityIfExistsAsync<TableEntity>(change.Ticker, SenderKeyRowKey(change), cancellationToken: cancellationToken);
            var content = await table.GetEntityIfExistsAsync<TableEntity>(change.Ticker, StorageNames.ContentKeyPrefix + change.Id, ["ChangeId"], cancellationToken);
            if (content.HasValue)
            {
                return StoreResult.DuplicateOf(content.Value!.GetString("ChangeId"));
            }

            var previous = senderKey.HasValue ? senderKey.Value!.GetString("ChangeId") : correctedId;
            var rows = Rows(change, correctionOf: previous, initialState(change with { CorrectionOf = previous })).ToList();
            var actions = rows.Where(r => !r.RowKey.StartsWith(StorageNames.SenderKeyPrefix, StringComparison.Ordinal))
                .Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))
                .Append(senderKey.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, rows.Single(r => r.RowKey.StartsWith(StorageNames.SenderKeyPrefix, StringComparison.Ordinal)), senderKey.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, rows.Single(r => r.RowKey.StartsWith(StorageNames.SenderKeyPrefix, StringComparison.Ordinal))));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return StoreResult.CorrectionOf(previous);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Another writer got there first: look again.
            }
        }

        throw new InvalidOperationException($"Could not store the correction {change.Id} of {correctedId}: too much contention.");
    }

    /// <summary>
    /// Notes the ticker of every sender record among <paramref name="changes"/> (see
    /// <see cref="StorageNames.SenderIndexPartitionPrefix"/>), before the changes are stored, so that a crash in between
    /// leaves at worst a note naming nothing: one transaction per source and 100 records.
    /// </summary>
    private static async Task IndexSendersAsync(TableClient table, IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken)
    {
        var notes = changes.Where(c => c.SenderId is not null && c.Source is { Length: > 0 })
            .DistinctBy(SenderKeyRowKey)
            .GroupBy(c => c.Source!, StringComparer.Ordinal)
            .SelectMany(source => source.Chunk(100))
            .ToList();
        foreach (var chunk in notes)
        {
            await table.SubmitTransactionAsync(
                chunk.Select(c => new TableTransactionAction(
                    TableTransactionActionType.UpsertReplace,
                    new TableEntity(SenderIndexPartition(c.Source!), SenderKeyRowKey(c)) { ["Ticker"] = c.Ticker })),
                cancellationToken);
        }
    }

    /// <summary>
    /// A change that repeats one stored from another source still teaches us its sender's id, so that a later
    /// update of that sender's record is recognised as a correction rather than as news.
    /// </summary>
    private static async Task RememberSenderAsync(TableClient table, RatingChange change, string storedId, CancellationToken cancellationToken)
    {
        if (change.SenderId is null)
        {
            return;
        }

        var row = SenderKeyRow(change, storedId, LogRowKey(change));
        try
        {
            await table.AddEntityAsync(row, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // Known already.
        }
    }

    private static IEnumerable<TableEntity> Rows(RatingChange change, string? correctionOf, DispatchState state = DispatchState.Pending)
    {
        var logRowKey = LogRowKey(change);

        // A correction is pending (its fan-out decides whom it tells) or told nobody; never too old: its original's age decided.
        state = correctionOf is null || state == DispatchState.Pending ? state : DispatchState.Correction;
        yield return ToRow(change, logRowKey, correctionOf, state);
        yield return new TableEntity(change.Ticker, StorageNames.ContentKeyPrefix + change.Id)
        {
            ["ChangeId"] = change.Id,
            ["LogRowKey"] = logRowKey,
        };
        if (change.SenderId is not null)
        {
            yield return SenderKeyRow(change, change.Id, logRowKey);
        }

        if (state == DispatchState.Pending)
        {
            yield return new TableEntity(change.Ticker, PendingRowKey(change.Id))
            {
                ["ChangeId"] = change.Id,
                ["LogRowKey"] = logRowKey,
                ["ReceivedAt"] = change.ReceivedAt,
            };
        }
    }

    private static string PendingRowKey(string changeId) => StorageNames.PendingRowPrefix + changeId;

    private static TableEntity SenderKeyRow(RatingChange change, string changeId, string logRowKey) => new(change.Ticker, SenderKeyRowKey(change))
    {
        ["ChangeId"] = changeId,
        ["LogRowKey"] = logRowKey,
        ["SenderId"] = change.SenderId,
        ["Source"] = change.Source,
    };

    private static TableEntity ToRow(RatingChange change, string rowKey, string? correctionOf, DispatchState state) => new(change.Ticker, rowKey)
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
        ["PublishedDate"] = change.PublishedDate is { } date ? MarketDates.Format(date) : null,
        ["ReceivedAt"] = change.ReceivedAt,
        ["Source"] = change.Source,
        ["Url"] = change.Url,
        ["SenderId"] = change.SenderId,
        ["CorrectionOf"] = correctionOf,
        ["Withdrawn"] = change.Withdrawn ? true : null,
        ["Sentence"] = change.Sentence,
        ["DispatchState"] = state.ToString(),
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

            // Absent on rows written before dates were kept as dates: those are read as instants, as written.
            PublishedDate = DateOnly.TryParseExact(row.GetString("PublishedDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null,
            ReceivedAt = row.GetDateTimeOffset("ReceivedAt") ?? default,
            Source = row.GetString("Source"),
            Url = row.GetString("Url"),
            SenderId = row.GetString("SenderId"),
            CorrectionOf = row.GetString("CorrectionOf"),
            Withdrawn = row.GetBoolean("Withdrawn") ?? false,
            Sentence = row.GetString("Sentence"),
        };
    }
}

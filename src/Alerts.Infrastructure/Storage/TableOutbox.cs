using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Alerts.Core.Ingest;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// The outbox's index in Table Storage: a row per ticker (row key) and minute of receipt (partition key,
/// <c>yyyyMMddHHmm</c>), so that "minutes that ended before X" is a range over a few small partitions. A ticker is
/// written once per minute by this process: the first post of the minute waits for the row, the others find it noted
/// (and wait for that same write while it is still in flight). The rows of a minute stay until the sweep has found
/// their tickers with nothing pending, <see cref="PendingChangeSweep.Grace"/> after the minute, so a row this process
/// counts as written is never gone while its minute lasts.
/// </summary>
internal sealed class TableOutbox(StorageBootstrapper storage) : IOutbox
{
    private const int EntitiesPerTransaction = 100;

    private Notes _notes = new("");

    public async Task AddAsync(IEnumerable<string> tickers, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        var distinct = tickers.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return;
        }

        var minute = Bucket(at);
        if (NotesFor(minute) is not { } notes)
        {
            // A minute that is over already (a slow request, or a test writing the past): written, not remembered.
            await WriteAsync(minute, distinct, cancellationToken);
            return;
        }

        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mine = new List<string>();
        var others = new List<Task>();
        foreach (var ticker in distinct)
        {
            var noted = notes.Tickers.GetOrAdd(ticker, written.Task);
            if (noted == written.Task)
            {
                mine.Add(ticker);
            }
            else if (!noted.IsCompletedSuccessfully)
            {
                others.Add(noted);
            }
        }

        if (mine.Count > 0)
        {
            try
            {
                await WriteAsync(minute, mine, cancellationToken);
                written.SetResult();
            }
            catch (Exception ex)
            {
                // Not written: forgotten, so that the next post of the minute writes it.
                foreach (var ticker in mine)
                {
                    notes.Tickers.TryRemove(new KeyValuePair<string, Task>(ticker, written.Task));
                }

                written.SetException(ex);
                _ = written.Task.Exception;
                throw;
            }
        }

        await Task.WhenAll(others);
    }

    public async Task RemoveAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.OutboxTable);
        foreach (var chunk in entries.DistinctBy(e => (Bucket(e.Minute), e.Ticker)).GroupBy(e => Bucket(e.Minute)).SelectMany(g => g.Chunk(EntitiesPerTransaction)))
        {
            try
            {
                await table.SubmitTransactionAsync(
                    chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Bucket(e.Minute), e.Ticker), ETag.All)),
                    cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                // One of them is gone already (removed by another sweep): remove the rest one by one.
                await Task.WhenAll(chunk.Select(async e =>
                {
                    try
                    {
                        await table.DeleteEntityAsync(Bucket(e.Minute), e.Ticker, ETag.All, cancellationToken);
                    }
                    catch (RequestFailedException notFound) when (notFound.Status == (int)HttpStatusCode.NotFound)
                    {
                        // Gone already.
                    }
                }));
            }
        }
    }

    public async Task<IReadOnlyList<OutboxEntry>> GetDueAsync(DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var entries = new List<OutboxEntry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {Bucket(before)}");
        await foreach (var row in storage.Table(StorageNames.OutboxTable).QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (DateTimeOffset.TryParseExact(row.PartitionKey, BucketFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var minute))
            {
                entries.Add(new OutboxEntry(row.RowKey, minute));
            }

            if (entries.Count == max)
            {
                break;
            }
        }

        return entries;
    }

    private const string BucketFormat = "yyyyMMddHHmm";

    private static string Bucket(DateTimeOffset at) => at.UtcDateTime.ToString(BucketFormat, CultureInfo.InvariantCulture);

    private async Task WriteAsync(string minute, IReadOnlyList<string> tickers, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.OutboxTable);
        await Task.WhenAll(tickers.Chunk(EntitiesPerTransaction).Select(chunk => table.SubmitTransactionAsync(
            chunk.Select(ticker => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(minute, ticker))),
            cancellationToken)));
    }

    /// <summary>The notes of <paramref name="minute"/>, started afresh when a new minute begins; null for a minute that is over.</summary>
    private Notes? NotesFor(string minute)
    {
        while (true)
        {
            var current = Volatile.Read(ref _notes);
            var order = string.CompareOrdinal(minute, current.Minute);
            if (order == 0)
            {
                return current;
            }

            if (order < 0)
            {
                return null;
            }

            Interlocked.CompareExchange(ref _notes, new Notes(minute), current);
        }
    }

    /// <summary>The tickers written (or being written) for one minute.</summary>
    private sealed class Notes(string minute)
    {
        public string Minute { get; } = minute;

        public ConcurrentDictionary<string, Task> Tickers { get; } = new(StringComparer.Ordinal);
    }
}

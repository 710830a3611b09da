using System.Diagnostics;
using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Data.Tables;

namespace Alerts.LoadTest;

/// <summary>
/// Azurite's raw rate for our entity shape, with the client the product uses (Azure.Data.Tables, same package version,
/// same retry settings as <c>AddAlerts</c>): per change a log row (<c>log_{inverted ticks}_{id}</c>, the same 20
/// properties as <c>TableRatingChangeStore</c> writes) and a content key row (<c>key_c_{id}</c>), PartitionKey = ticker,
/// in a table of its own. Three ways: single inserts (two per change), one 2-entity transaction per change (what a
/// single-change post needs at the least), and 100-entity transactions (50 changes), each from the given number of
/// concurrent writers for a fixed time.
/// </summary>
internal sealed class AzuriteBaseline(string connectionString, IReadOnlyList<string> tickers, int writers, TimeSpan duration)
{
    public sealed record Result(string Mode, int Writers, long Entities, long Changes, double Seconds, long Failures)
    {
        public double EntitiesPerSecond => Entities / Seconds;

        public double ChangesPerSecond => Changes / Seconds;
    }

    /// <summary>The same client settings as the product's (<c>AlertsServiceCollectionExtensions.AddStorage</c>).</summary>
    public static TableServiceClient Client(string connectionString)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return new TableServiceClient(connectionString, options);
    }

    public async Task<IReadOnlyList<Result>> RunAsync(string label, Action<string> progress, CancellationToken cancellationToken)
    {
        var service = Client(connectionString);
        var tableName = "ltbaseline" + label + Guid.NewGuid().ToString("N")[..8];
        var table = service.GetTableClient(tableName);
        await table.CreateIfNotExistsAsync(cancellationToken);
        try
        {
            // Warm-up, not counted: connections opened, code jitted, the partitions created.
            await MeasureAsync("warm-up", table, 1, transactional: true, TimeSpan.FromSeconds(1), _ => { }, cancellationToken);
            await MeasureAsync("warm-up", table, 50, transactional: true, TimeSpan.FromSeconds(1), _ => { }, cancellationToken);
            var results = new List<Result>
            {
                await MeasureAsync("single inserts (2 per change)", table, 1, transactional: false, duration, progress, cancellationToken),
                await MeasureAsync("2-entity transaction per change", table, 1, transactional: true, duration, progress, cancellationToken),
                await MeasureAsync("100-entity transactions (50 changes)", table, 50, transactional: true, duration, progress, cancellationToken),
            };
            return results;
        }
        finally
        {
            await table.DeleteAsync(CancellationToken.None);
        }
    }

    private async Task<Result> MeasureAsync(string mode, TableClient table, int changesPerCall, bool transactional, TimeSpan duration, Action<string> progress, CancellationToken cancellationToken)
    {
        long entities = 0;
        long changes = 0;
        long failures = 0;
        var stopwatch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(duration);
        var workers = Enumerable.Range(0, writers).Select(worker => Task.Run(async () =>
        {
            var sequence = 0;
            while (!timeout.IsCancellationRequested)
            {
                var ticker = tickers[(worker + sequence) % tickers.Count];
                var rows = Enumerable.Range(0, changesPerCall).SelectMany(_ => Rows(ticker, $"{worker}-{sequence++}")).ToList();
                try
                {
                    if (transactional)
                    {
                        await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), CancellationToken.None);
                    }
                    else
                    {
                        foreach (var row in rows)
                        {
                            await table.AddEntityAsync(row, CancellationToken.None);
                        }
                    }

                    Interlocked.Add(ref entities, rows.Count);
                    Interlocked.Add(ref changes, changesPerCall);
                }
                catch (RequestFailedException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();

        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)) != all)
        {
            progress($"[baseline] {mode}: {stopwatch.Elapsed.TotalSeconds:0}s, {Interlocked.Read(ref changes) / stopwatch.Elapsed.TotalSeconds:N0} changes/s");
        }

        await all;
        return new Result(mode, writers, entities, changes, stopwatch.Elapsed.TotalSeconds, failures);
    }

    /// <summary>A change's log row and content key row, shaped as <c>TableRatingChangeStore</c> shapes them.</summary>
    private static IEnumerable<TableEntity> Rows(string ticker, string seed)
    {
        var id = Alerts.Core.Ids.Digest("baseline|" + seed + "|" + Guid.NewGuid().ToString("N"), 32);
        var publishedAt = DateTimeOffset.UtcNow;
        var logRowKey = "log_" + (DateTimeOffset.MaxValue.UtcTicks - publishedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "_" + id;
        yield return new TableEntity(ticker, logRowKey)
        {
            ["ChangeId"] = id,
            ["Company"] = "Load Test Inc.",
            ["Firm"] = "JPMorgan",
            ["Analyst"] = null,
            ["Action"] = "upgrade",
            ["FromRating"] = "Neutral",
            ["ToRating"] = "Overweight",
            ["FromLevel"] = "hold",
            ["ToLevel"] = "buy",
            ["FromTarget"] = "500",
            ["ToTarget"] = "12345",
            ["Currency"] = "USD",
            ["TargetChangePct"] = "2369",
            ["PublishedAt"] = publishedAt,
            ["ReceivedAt"] = publishedAt,
            ["Source"] = "loadtest",
            ["Url"] = null,
            ["SenderId"] = null,
            ["CorrectionOf"] = null,
            ["DispatchState"] = "Pending",
        };
        yield return new TableEntity(ticker, "key_c_" + id)
        {
            ["ChangeId"] = id,
            ["LogRowKey"] = logRowKey,
        };
    }
}

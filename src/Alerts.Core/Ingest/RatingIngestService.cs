using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Ingest;

/// <summary>
/// Where a rating change enters: normalize, drop repeats, store, then match against the ticker's subscribers and
/// enqueue the alerts. Every source (the webhook, the feed pollers) comes through here.
/// </summary>
public sealed partial class RatingIngestService(
    RatingChangeNormalizer normalizer,
    IRatingChangeStore store,
    AlertFanOut fanOut,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<RatingIngestService> logger)
{
    public async Task<IngestResult> IngestAsync(IReadOnlyList<RatingChangeSubmission> submissions, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        var receivedAt = time.GetUtcNow();
        var changes = submissions.Select(s => normalizer.Normalize(s, receivedAt)).ToList();

        // Repeats inside the post itself: the first occurrence wins.
        var existing = new string?[changes.Count];
        var firstById = new Dictionary<string, int>(StringComparer.Ordinal);
        var fresh = new List<int>();
        for (var i = 0; i < changes.Count; i++)
        {
            var keys = new[] { "c:" + changes[i].Id, changes[i].SenderId is { } sid ? $"s:{changes[i].Source}|{sid}" : null };
            var repeatOf = keys.Where(k => k is not null && firstById.ContainsKey(k)).Select(k => firstById[k!]).Cast<int?>().FirstOrDefault();
            if (repeatOf is { } first)
            {
                existing[i] = changes[first].Id;
                continue;
            }

            foreach (var key in keys.OfType<string>())
            {
                firstById[key] = i;
            }

            fresh.Add(i);
        }

        var freshChanges = fresh.Select(i => changes[i]).ToList();
        var stored = dryRun
            ? await store.FindExistingAsync(freshChanges, cancellationToken)
            : await store.AddAsync(freshChanges, cancellationToken);
        for (var j = 0; j < fresh.Count; j++)
        {
            existing[fresh[j]] = stored[j];
        }

        var accepted = changes.Where((_, i) => existing[i] is null).ToList();
        var matched = dryRun ? 0 : await DispatchAsync(accepted, receivedAt, cancellationToken);

        var items = changes
            .Select((change, i) => existing[i] is { } id ? new IngestedChange(change with { Id = id }, Duplicate: true) : new IngestedChange(change, Duplicate: false))
            .ToList();
        return new IngestResult(accepted.Count, changes.Count - accepted.Count, items, matched);
    }

    private async Task<int> DispatchAsync(IReadOnlyList<RatingChange> changes, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var maxAge = TimeSpan.FromHours(options.Value.MaxAlertAgeHours);
        var matched = 0;
        await Parallel.ForEachAsync(
            changes.GroupBy(c => c.Ticker),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                foreach (var change in group)
                {
                    if (receivedAt - change.PublishedAt > maxAge)
                    {
                        await store.MarkAsync(change, DispatchState.TooOld, ct);
                        LogTooOld(change.Id, change.Ticker, change.PublishedAt);
                        continue;
                    }

                    try
                    {
                        var count = await fanOut.DispatchAsync(change, ct);
                        await store.MarkAsync(change, DispatchState.Dispatched, ct);
                        Interlocked.Add(ref matched, count);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // The change is stored with its dispatch pending; it is not lost.
                        LogDispatchFailed(ex, change.Id, change.Ticker);
                    }
                }
            });
        return matched;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Change {ChangeId} on {Ticker} published {PublishedAt} is too old to alert anyone; stored for history")]
    private partial void LogTooOld(string changeId, string ticker, DateTimeOffset publishedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts of change {ChangeId} on {Ticker} could not be enqueued; the change stays pending")]
    private partial void LogDispatchFailed(Exception exception, string changeId, string ticker);
}

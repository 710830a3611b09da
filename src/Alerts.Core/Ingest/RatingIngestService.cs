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
        var results = new StoreResult?[changes.Count];
        var firstByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var fresh = new List<int>();
        for (var i = 0; i < changes.Count; i++)
        {
            var keys = new[] { "c:" + changes[i].Id, changes[i].SenderId is { } sid ? $"s:{changes[i].Source}|{sid}" : null };
            var repeatOf = keys.Where(k => k is not null && firstByKey.ContainsKey(k)).Select(k => firstByKey[k!]).Cast<int?>().FirstOrDefault();
            if (repeatOf is { } first)
            {
                results[i] = StoreResult.DuplicateOf(changes[first].Id);
                continue;
            }

            foreach (var key in keys.OfType<string>())
            {
                firstByKey[key] = i;
            }

            fresh.Add(i);
        }

        var freshChanges = fresh.Select(i => changes[i]).ToList();
        var stored = dryRun
            ? await store.FindExistingAsync(freshChanges, cancellationToken)
            : await store.AddAsync(freshChanges, cancellationToken);
        for (var j = 0; j < fresh.Count; j++)
        {
            results[fresh[j]] = stored[j];
        }

        var items = changes.Select((change, i) => results[i]!.Kind switch
        {
            StoreResultKind.Duplicate => new IngestedChange(change with { Id = results[i]!.ExistingId! }, Duplicate: true),
            StoreResultKind.Correction => new IngestedChange(change with { CorrectionOf = results[i]!.ExistingId }, Duplicate: false),
            _ => new IngestedChange(change, Duplicate: false),
        }).ToList();

        // Only news alerts: a duplicate was alerted (or not) the first time, and a correction's first version was alerted.
        var news = items.Where((_, i) => results[i]!.Kind == StoreResultKind.Stored).Select(item => item.Change).ToList();
        var matched = dryRun ? 0 : await DispatchAsync(news, receivedAt, cancellationToken);
        var duplicates = items.Count(item => item.Duplicate);
        return new IngestResult(changes.Count - duplicates, duplicates, items, matched);
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

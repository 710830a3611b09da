using Alerts.Core.Diagnostics;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Ingest;

/// <summary>
/// Where a rating change enters: normalize, drop repeats, store, then hand the fan-out step a message naming the changes
/// (<see cref="ChangesStored"/>, <see cref="IFanOutQueue"/>). Every source (the webhook, the feed pollers) comes through
/// here. A change on a ticker that somebody follows is stored pending, with its outbox record in the same transaction;
/// the fan-out step (<see cref="FanOutHandler"/>) matches it, queues its alerts and marks it dispatched. A change nobody
/// follows, or too old to alert, is stored finished, in one write. The answer waits for the store and the enqueue: if
/// the enqueue fails, the call fails (the sender sends again, and the repeat names the changes again), and the pending
/// rows stay for <see cref="PendingChangeSweep"/> should nobody send again.
/// </summary>
public sealed partial class RatingIngestService(
    RatingChangeNormalizer normalizer,
    IRatingChangeStore store,
    IOutbox outbox,
    ISubscriberIndex index,
    IFanOutQueue fanOutQueue,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<RatingIngestService> logger)
{
    /// <param name="origin">Where the post came from, for telemetry: <see cref="AlertsTelemetry.WebhookOrigin"/> or a feed's <see cref="AlertsTelemetry.FeedOrigin"/>.</param>
    public async Task<IngestResult> IngestAsync(IReadOnlyList<RatingChangeSubmission> submissions, bool dryRun, CancellationToken cancellationToken, string origin = AlertsTelemetry.WebhookOrigin)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        using var activity = AlertsTelemetry.StartIngest(origin, submissions.Count, dryRun);
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
        var initial = dryRun ? null : await InitialStatesAsync(freshChanges, receivedAt, cancellationToken);
        IReadOnlyList<StoreResult> stored;
        using (AlertsTelemetry.StartStore(freshChanges.Count))
        {
            if (initial is null)
            {
                stored = await store.FindExistingAsync(freshChanges, cancellationToken);
            }
            else
            {
                // The outbox first (once per ticker and minute): from here on, a crash leaves a trace the sweep follows.
                // Each pending change then goes with its own outbox record, in its own transaction.
                await outbox.AddAsync(freshChanges.Where(c => initial[c] == DispatchState.Pending).Select(c => c.Ticker), receivedAt, cancellationToken);
                stored = await store.AddAsync(freshChanges, c => initial[c], cancellationToken);
            }
        }

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

        // Only news alerts: a correction's first version was alerted, and so was a duplicate's, unless its first post never
        // got as far as its fan-out message (the sender resending after a crash): so a duplicate on a followed ticker is
        // named again, and the fan-out step, which reads each change's state, fans it out only if it is still pending.
        var toFanOut = new List<RatingChange>();
        var fanningOut = 0;
        if (initial is not null)
        {
            for (var j = 0; j < fresh.Count; j++)
            {
                var change = freshChanges[j];
                switch (stored[j].Kind, initial[change])
                {
                    case (StoreResultKind.Stored, DispatchState.Pending):
                        toFanOut.Add(change);
                        fanningOut++;
                        break;
                    case (StoreResultKind.Duplicate, DispatchState.Pending):
                        toFanOut.Add(change with { Id = stored[j].ExistingId! });
                        break;
                    case (StoreResultKind.Stored, DispatchState.TooOld):
                        LogTooOld(change.Id, change.Ticker, change.PublishedAt);
                        break;
                }
            }

            await fanOutQueue.EnqueueAsync(ChangesStored.For(toFanOut, activity?.Context ?? default), cancellationToken);
        }

        var duplicates = items.Count(item => item.Duplicate);
        AlertsTelemetry.Ingested(activity, origin, changes.Count - duplicates, duplicates, dryRun);
        return new IngestResult(changes.Count - duplicates, duplicates, items, fanningOut);
    }

    /// <summary>
    /// What each fresh change is stored as: too old to alert anyone, dispatched already when nobody follows its ticker
    /// (nothing to match, so nothing to record later), or pending dispatch.
    /// </summary>
    private async Task<Dictionary<RatingChange, DispatchState>> InitialStatesAsync(IReadOnlyList<RatingChange> changes, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var followed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            changes.Where(c => !options.Value.IsTooOldToAlert(c.PublishedAt, receivedAt)).Select(c => c.Ticker).Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (ticker, ct) => followed[ticker] = await index.HasFollowersAsync(ticker, ct));

        var states = new Dictionary<RatingChange, DispatchState>(ReferenceEqualityComparer.Instance);
        foreach (var change in changes)
        {
            states[change] = options.Value.IsTooOldToAlert(change.PublishedAt, receivedAt) ? DispatchState.TooOld
                : followed[change.Ticker] ? DispatchState.Pending
                : DispatchState.Dispatched;
        }

        return states;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Change {ChangeId} on {Ticker} published {PublishedAt} is too old to alert anyone; stored for history")]
    private partial void LogTooOld(string changeId, string ticker, DateTimeOffset publishedAt);
}

using Alerts.Core.Diagnostics;
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
    IOutbox outbox,
    AlertFanOut fanOut,
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
        IReadOnlyList<StoreResult> stored;
        using (AlertsTelemetry.StartStore(freshChanges.Count))
        {
            if (!dryRun)
            {
                // The outbox entry goes first: from here on, a crash leaves a trace the re-driver follows.
                await outbox.AddAsync(freshChanges, receivedAt, cancellationToken);
            }

            stored = dryRun
                ? await store.FindExistingAsync(freshChanges, cancellationToken)
                : await store.AddAsync(freshChanges, cancellationToken);
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

        // Only news alerts: a duplicate was alerted the first time, and a correction's first version was alerted.
        // Except a duplicate whose first post never got as far as its alerts (the sender resending after a crash):
        // it is dispatched now (safe to repeat: alert ids are deterministic and the sent log claims each alert once).
        var news = items.Where((_, i) => results[i]!.Kind == StoreResultKind.Stored).Select(item => item.Change).ToList();
        var matched = 0;
        if (!dryRun)
        {
            news.AddRange(await StillPendingAsync(items.Where(item => item.Duplicate).Select(item => item.Change).ToList(), cancellationToken));
            var dispatched = await DispatchAsync(news, receivedAt, cancellationToken);
            matched = dispatched.Matched;

            // Done with every fresh change but those whose dispatch failed: they stay in the outbox. The outbox entries go
            // while the changes are marked (a change marked late, or not at all, is only re-dispatched: harmless).
            // Failing to remove an entry is harmless too (the re-driver finds the change dispatched and removes it), so it
            // must not turn a stored, dispatched post into an error.
            await Task.WhenAll(dispatched.Marking, RemoveFromOutboxAsync());

            async Task RemoveFromOutboxAsync()
            {
                try
                {
                    await outbox.RemoveAsync(
                        freshChanges.Where(c => !dispatched.Failed.Contains(c.Id)).Select(c => new OutboxEntry(c.Ticker, c.Id, receivedAt)).ToList(),
                        cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogOutboxCleanupFailed(ex);
                }
            }
        }

        var duplicates = items.Count(item => item.Duplicate);
        AlertsTelemetry.Ingested(activity, origin, changes.Count - duplicates, duplicates, dryRun);
        return new IngestResult(changes.Count - duplicates, duplicates, items, matched);
    }

    /// <summary>The stored versions of <paramref name="duplicates"/> whose alerts were never dispatched.</summary>
    private async Task<IReadOnlyList<RatingChange>> StillPendingAsync(IReadOnlyList<RatingChange> duplicates, CancellationToken cancellationToken)
    {
        var pending = new System.Collections.Concurrent.ConcurrentBag<RatingChange>();
        await Parallel.ForEachAsync(
            duplicates.DistinctBy(d => (d.Ticker, d.Id)),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (duplicate, ct) =>
            {
                if (await store.GetAsync(duplicate.Ticker, duplicate.Id, ct) is { State: DispatchState.Pending } stored)
                {
                    pending.Add(stored.Change);
                }
            });
        return pending.ToList();
    }

    /// <summary>
    /// Matches and enqueues each change; returns how many alerts matched, the changes whose alerts could not be enqueued
    /// (left pending in the outbox), and the marking of the others as dispatched, still running (see the caller).
    /// </summary>
    private async Task<(int Matched, IReadOnlySet<string> Failed, Task Marking)> DispatchAsync(IReadOnlyList<RatingChange> changes, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var maxAge = TimeSpan.FromHours(options.Value.MaxAlertAgeHours);
        var matched = 0;
        var failed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var marks = new System.Collections.Concurrent.ConcurrentBag<(RatingChange Change, DispatchState State)>();

        // Changes are independent: matched and enqueued concurrently (bounded), whatever their ticker.
        await Parallel.ForEachAsync(
            changes,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (change, ct) =>
            {
                try
                {
                    if (receivedAt - change.PublishedAt > maxAge)
                    {
                        LogTooOld(change.Id, change.Ticker, change.PublishedAt);
                        marks.Add((change, DispatchState.TooOld));
                        return;
                    }

                    var count = await fanOut.DispatchAsync(change, ct);
                    Interlocked.Add(ref matched, count);
                    marks.Add((change, DispatchState.Dispatched));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The change is stored with its dispatch pending and its outbox entry kept: the re-driver finishes it.
                    failed[change.Id] = true;
                    LogDispatchFailed(ex, change.Id, change.Ticker);
                }
            });

        var marking = Parallel.ForEachAsync(
            marks,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (mark, ct) =>
            {
                try
                {
                    await store.MarkAsync(mark.Change, mark.State, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Its alerts are queued: left "pending", it is at worst dispatched again (the sent log keeps that harmless).
                    LogMarkFailed(ex, mark.Change.Id, mark.Change.Ticker);
                }
            });
        return (matched, failed.Keys.ToHashSet(StringComparer.Ordinal), marking);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change {ChangeId} on {Ticker} was dispatched but could not be marked so")]
    private partial void LogMarkFailed(Exception exception, string changeId, string ticker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox entries of a finished post could not be removed; the re-driver will")]
    private partial void LogOutboxCleanupFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change {ChangeId} on {Ticker} published {PublishedAt} is too old to alert anyone; stored for history")]
    private partial void LogTooOld(string changeId, string ticker, DateTimeOffset publishedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts of change {ChangeId} on {Ticker} could not be enqueued; the change stays pending in the outbox")]
    private partial void LogDispatchFailed(Exception exception, string changeId, string ticker);
}

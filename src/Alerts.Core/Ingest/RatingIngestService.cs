using Alerts.Core.Diagnostics;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Ingest;

/// <summary>
/// Where a rating change enters: normalize, drop repeats, store, then match against the ticker's subscribers and
/// enqueue the alerts. Every source (the webhook, the feed pollers) comes through here. A change on a ticker that
/// somebody follows is stored pending, with its outbox record in the same transaction, and marked dispatched once its
/// alerts are queued (one transaction per ticker and post); a change nobody follows, or too old to alert, is stored
/// finished, in one write. A webhook post asks for its fan-out in the background (<see cref="BackgroundFanOut"/>), so that
/// its answer waits only for the store. While delivery is behind, a post first waits for it (<see cref="QueueBackpressure"/>).
/// </summary>
public sealed partial class RatingIngestService(
    RatingChangeNormalizer normalizer,
    IRatingChangeStore store,
    IOutbox outbox,
    ISubscriberIndex index,
    PendingChangeDispatcher dispatcher,
    BackgroundFanOut background,
    QueueBackpressure backpressure,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<RatingIngestService> logger)
{
    /// <param name="origin">Where the post came from, for telemetry: <see cref="AlertsTelemetry.WebhookOrigin"/> or a feed's <see cref="AlertsTelemetry.FeedOrigin"/>.</param>
    /// <param name="fanOutInBackground">
    /// Return once the changes are stored, their alerts matched and queued by <see cref="BackgroundFanOut"/> (when it
    /// runs and has room; else here, before returning).
    /// </param>
    public async Task<IngestResult> IngestAsync(IReadOnlyList<RatingChangeSubmission> submissions, bool dryRun, CancellationToken cancellationToken, string origin = AlertsTelemetry.WebhookOrigin, bool fanOutInBackground = false)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        using var activity = AlertsTelemetry.StartIngest(origin, submissions.Count, dryRun);
        // Counted as being stored from the moment it is let through (as the alerts they are expected to make), so that the
        // posts behind it see them; lowered below to the changes that will make alerts.
        using var storing = dryRun ? QueueBackpressure.ChangesBeingStored.None : await AdmitAsync(submissions.Count, activity, origin, cancellationToken);

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
        storing.Expect(initial?.Values.Count(state => state == DispatchState.Pending) ?? 0);
        IReadOnlyList<StoreResult> stored;
        using (AlertsTelemetry.StartStore(freshChanges.Count))
        {
            if (initial is null)
            {
                stored = await store.FindExistingAsync(freshChanges, cancellationToken);
            }
            else
            {
                // The outbox first (once per ticker and minute): from here on, a crash leaves a trace the re-driver follows.
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

        // Only news alerts: a duplicate was alerted the first time, and a correction's first version was alerted.
        // Except a duplicate whose first post never got as far as its alerts (the sender resending after a crash):
        // it is dispatched now (safe to repeat: alert ids are deterministic and the sent log claims each alert once).
        int matched = 0, handedOff = 0;
        if (initial is not null)
        {
            var news = new List<RatingChange>();
            for (var j = 0; j < fresh.Count; j++)
            {
                var change = freshChanges[j];
                if (stored[j].Kind != StoreResultKind.Stored)
                {
                    continue;
                }

                if (initial[change] == DispatchState.Pending)
                {
                    news.Add(change);
                }
                else if (initial[change] == DispatchState.TooOld)
                {
                    LogTooOld(change.Id, change.Ticker, change.PublishedAt);
                }
            }

            news.AddRange(await StillPendingAsync(items.Where(item => item.Duplicate).Select(item => item.Change).ToList(), cancellationToken));
            var pending = news.Select(change => new PendingDispatch(change, activity?.Context ?? default)).ToList();
            handedOff = fanOutInBackground ? background.TryHandOff(pending) : 0;
            storing.HandedOff(handedOff);
            matched = (await dispatcher.DispatchAsync(handedOff == 0 ? pending : pending[handedOff..], cancellationToken)).Matched;
        }

        var duplicates = items.Count(item => item.Duplicate);
        AlertsTelemetry.Ingested(activity, origin, changes.Count - duplicates, duplicates, dryRun);
        return new IngestResult(changes.Count - duplicates, duplicates, items, matched) { FanningOut = handedOff };
    }

    private async Task<QueueBackpressure.ChangesBeingStored> AdmitAsync(int changes, System.Diagnostics.Activity? activity, string origin, CancellationToken cancellationToken)
    {
        var admission = await backpressure.AdmitAsync(changes, cancellationToken);
        AlertsTelemetry.Held(activity, origin, admission.Held);
        return admission.Storing;
    }

    /// <summary>
    /// The stored versions of <paramref name="duplicates"/> whose alerts were never dispatched (and are not waiting for
    /// their fan-out here, handed off by the first post).
    /// </summary>
    private async Task<IReadOnlyList<RatingChange>> StillPendingAsync(IReadOnlyList<RatingChange> duplicates, CancellationToken cancellationToken)
    {
        var pending = new System.Collections.Concurrent.ConcurrentBag<RatingChange>();
        await Parallel.ForEachAsync(
            duplicates.Where(d => !background.IsWaiting(d.Id)).DistinctBy(d => (d.Ticker, d.Id)),
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

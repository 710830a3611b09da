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
        var (stored, fanningOut) = await StoreAsync(freshChanges, receivedAt, dryRun, activity, cancellationToken);
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

        var duplicates = items.Count(item => item.Duplicate);
        AlertsTelemetry.Ingested(activity, origin, changes.Count - duplicates, duplicates, dryRun);
        return new IngestResult(changes.Count - duplicates, duplicates, items, fanningOut);
    }

    /// <summary>
    /// Records that their source deleted (<paramref name="source"/>'s own ids; the ticker when the source gave it): each
    /// still stored is withdrawn by a change of its own (<see cref="RatingChange.Withdrawn"/>, the record's values, a
    /// correction of its newest version), stored and fanned out as any correction is, so that whoever was alerted of the
    /// record hears once that it was withdrawn. A record not stored, or withdrawn already, is counted and left alone.
    /// </summary>
    public async Task<WithdrawalResult> WithdrawAsync(string source, IReadOnlyList<WithdrawnRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(records);
        var receivedAt = time.GetUtcNow();
        var withdrawals = new List<RatingChange>();
        var unknown = 0;
        var already = 0;
        foreach (var record in records.DistinctBy(r => r.SenderId, StringComparer.Ordinal))
        {
            var found = await store.GetBySenderAsync(source, record.SenderId, Tickers.TryNormalize(record.Ticker, out var ticker, out _) ? ticker : null, cancellationToken);
            if (found is not { } current)
            {
                LogUnknownWithdrawal(source, record.SenderId);
                unknown++;
            }
            else if (current.Change.Withdrawn)
            {
                already++;
            }
            else
            {
                withdrawals.Add(current.Change with
                {
                    Id = Ids.Digest("withdrawn|" + current.Change.Id, current.Change.Id.Length),
                    Withdrawn = true,
                    CorrectionOf = null,
                    Correction = null,
                    ReceivedAt = receivedAt,
                });
            }
        }

        if (withdrawals.Count == 0)
        {
            return new WithdrawalResult(0, already, unknown);
        }

        using var activity = AlertsTelemetry.StartIngest(AlertsTelemetry.FeedOrigin(source), withdrawals.Count, dryRun: false);
        var (stored, _) = await StoreAsync(withdrawals, receivedAt, dryRun: false, activity, cancellationToken);
        var withdrawn = stored.Count(r => r.Kind == StoreResultKind.Correction);
        return new WithdrawalResult(withdrawn, already + stored.Count(r => r.Kind == StoreResultKind.Duplicate), unknown);
    }

    /// <summary>
    /// Stores fresh changes (or, for a dry run, finds what storing them would do) and names those to fan out: news on a
    /// followed ticker, young enough to alert, and every correction on a followed ticker (whom it tells is decided by its
    /// fan-out, <see cref="CorrectionDispatcher"/>).
    /// </summary>
    private async Task<(IReadOnlyList<StoreResult> Stored, int FanningOut)> StoreAsync(List<RatingChange> freshChanges, DateTimeOffset receivedAt, bool dryRun, System.Diagnostics.Activity? activity, CancellationToken cancellationToken)
    {
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
                // Each pending change then goes with its own outbox record, in its own transaction. A followed ticker is
                // noted even for a change too old to alert: the store may find it a correction, which is pending.
                await outbox.AddAsync(freshChanges.Where(c => initial.Followed.Contains(c.Ticker)).Select(c => c.Ticker), receivedAt, cancellationToken);
                stored = await store.AddAsync(
                    freshChanges,
                    c => c.CorrectionOf is not null
                        ? (initial.Followed.Contains(c.Ticker) ? DispatchState.Pending : DispatchState.Correction)
                        : initial.States[c],
                    cancellationToken);
            }
        }

        // News alerts, and corrections (their fan-out decides whom they tell). A duplicate's first post may never have got
        // as far as its fan-out message (the sender resending after a crash): so a duplicate on a followed ticker is
        // named again, and the fan-out step, which reads each change's state, fans it out only if it is still pending.
        var toFanOut = new List<RatingChange>();
        var fanningOut = 0;
        if (initial is not null)
        {
            for (var j = 0; j < freshChanges.Count; j++)
            {
                var change = freshChanges[j];
                switch (stored[j].Kind, initial.States[change])
                {
                    case (StoreResultKind.Stored, DispatchState.Pending):
                        toFanOut.Add(change);
                        fanningOut++;
                        break;
                    case (StoreResultKind.Correction, _) when initial.Followed.Contains(change.Ticker):
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

        return (stored, fanningOut);
    }

    /// <summary>
    /// What each fresh change is stored as: too old to alert anyone, dispatched already when nobody follows its ticker
    /// (nothing to match, so nothing to record later), or pending dispatch.
    /// </summary>
    private async Task<InitialStates> InitialStatesAsync(IReadOnlyList<RatingChange> changes, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var followed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            changes.Select(c => c.Ticker).Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (ticker, ct) => followed[ticker] = await index.HasFollowersAsync(ticker, ct));

        var states = new Dictionary<RatingChange, DispatchState>(ReferenceEqualityComparer.Instance);
        foreach (var change in changes)
        {
            states[change] = options.Value.IsTooOldToAlert(change.PublishedAt, receivedAt) ? DispatchState.TooOld
                : followed[change.Ticker] ? DispatchState.Pending
                : DispatchState.Dispatched;
        }

        return new InitialStates(states, followed.Where(f => f.Value).Select(f => f.Key).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>What each change is stored as when it is news, and which of their tickers somebody follows.</summary>
    private sealed record InitialStates(Dictionary<RatingChange, DispatchState> States, HashSet<string> Followed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} withdrew its record {SenderId}, which is not stored here; nothing to withdraw")]
    private partial void LogUnknownWithdrawal(string source, string senderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change {ChangeId} on {Ticker} published {PublishedAt} is too old to alert anyone; stored for history")]
    private partial void LogTooOld(string changeId, string ticker, DateTimeOffset publishedAt);
}

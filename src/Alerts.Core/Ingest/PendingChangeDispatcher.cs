using System.Diagnostics;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Core.Ingest;

/// <summary>A stored change whose alerts are still to be matched and queued, and the trace of the post that stored it.</summary>
public sealed record PendingDispatch(RatingChange Change, ActivityContext Parent = default);

/// <summary>What dispatching pending changes did.</summary>
/// <param name="Matched">Alerts matched and queued.</param>
/// <param name="Dispatched">Changes whose alerts were queued.</param>
/// <param name="Failed">Changes whose alerts could not be queued, or whose dispatched mark could not be written: still pending.</param>
public sealed record PendingDispatchResult(int Matched, int Dispatched, int Failed);

/// <summary>
/// Dispatches stored, pending changes: matches each (<see cref="AlertFanOut"/>, concurrently, whatever their ticker), enqueues
/// the last messages of all of them together (so that changes followed by a few people share queue messages), then marks
/// those enqueued as dispatched, one transaction per ticker. A change whose alerts could not be enqueued stays pending,
/// and the outbox re-driver finishes it.
/// </summary>
public sealed partial class PendingChangeDispatcher(IRatingChangeStore store, AlertFanOut fanOut, ILogger<PendingChangeDispatcher> logger)
{
    /// <summary>How many changes are matched and enqueued at once.</summary>
    public const int Concurrency = 16;

    public async Task<PendingDispatchResult> DispatchAsync(IReadOnlyList<PendingDispatch> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return new PendingDispatchResult(0, 0, 0);
        }

        var matched = 0;
        var marks = new System.Collections.Concurrent.ConcurrentBag<DispatchMark>();
        var tail = new System.Collections.Concurrent.ConcurrentQueue<AlertsMatched>();
        await Parallel.ForEachAsync(
            changes,
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (pending, ct) =>
            {
                try
                {
                    Interlocked.Add(ref matched, await fanOut.DispatchAsync(pending.Change, tail, ct, pending.Parent));
                    marks.Add(new DispatchMark(pending.Change, DispatchState.Dispatched));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The change is stored with its dispatch pending (its pending row kept): the re-driver finishes it.
                    LogDispatchFailed(ex, pending.Change.Id, pending.Change.Ticker);
                }
            });

        var queued = marks.ToList();
        try
        {
            await fanOut.EnqueueAsync(tail.ToList(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The changes with alerts in the tail are not all queued: they stay pending, and the re-driver finishes them.
            var unqueued = tail.Select(a => a.Change.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var change in changes.Where(c => unqueued.Contains(c.Change.Id)))
            {
                LogDispatchFailed(ex, change.Change.Id, change.Change.Ticker);
            }

            queued = queued.Where(m => !unqueued.Contains(m.Change.Id)).ToList();
            matched -= tail.Sum(a => a.Recipients.Count);
        }

        var unmarked = 0;
        try
        {
            await store.MarkAsync(queued, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Their alerts are queued: left pending, they are at worst dispatched again (the sent log keeps that harmless).
            LogMarkFailed(ex, queued.Count);
            unmarked = queued.Count;
        }

        return new PendingDispatchResult(matched, queued.Count, changes.Count - queued.Count + unmarked);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} dispatched changes could not be marked so; the re-driver will")]
    private partial void LogMarkFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts of change {ChangeId} on {Ticker} could not be enqueued; the change stays pending in the outbox")]
    private partial void LogDispatchFailed(Exception exception, string changeId, string ticker);
}

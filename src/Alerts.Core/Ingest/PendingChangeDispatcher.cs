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
/// Dispatches stored, pending changes: matches each (<see cref="AlertFanOut"/>, concurrently, whatever their ticker),
/// enqueues the last messages of many of them together (so that changes followed by a few people share queue messages),
/// then marks those enqueued as dispatched, one transaction per ticker. A change whose alerts could not be enqueued stays
/// pending, and the fan-out step throws, so that its message is delivered again.
/// The last messages wait to be enqueued together only while changes remain to be started, and at most
/// <see cref="TailMessages"/> of them: once the last changes are in flight, each one that finishes enqueues what waits,
/// so a popular ticker's long fan-out never holds back the alerts of the changes fanned out beside it.
/// </summary>
public sealed partial class PendingChangeDispatcher(IRatingChangeStore store, AlertFanOut fanOut, ILogger<PendingChangeDispatcher> logger)
{
    /// <summary>How many changes are matched and enqueued at once.</summary>
    public const int Concurrency = 16;

    /// <summary>How many last messages may wait to be enqueued together before they are.</summary>
    public const int TailMessages = 64;

    public async Task<PendingDispatchResult> DispatchAsync(IReadOnlyList<PendingDispatch> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return new PendingDispatchResult(0, 0, 0);
        }

        var run = new Run(changes.Count);
        await Parallel.ForEachAsync(
            changes.Select(change =>
            {
                Interlocked.Decrement(ref run.NotStarted);
                return change;
            }),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (pending, ct) =>
            {
                var tail = new List<AlertsMatched>();
                try
                {
                    Interlocked.Add(ref run.Matched, await fanOut.DispatchAsync(pending.Change, tail, ct, pending.Parent));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The change is stored with its dispatch pending (its pending row kept): the message's retry, or the sweep, finishes it.
                    LogDispatchFailed(ex, pending.Change.Id, pending.Change.Ticker);
                    return;
                }

                if (run.Finished(pending.Change, tail))
                {
                    await FlushAsync(run, ct);
                }
            });
        await FlushAsync(run, cancellationToken);

        var queued = run.Queued.ToList();
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

        return new PendingDispatchResult(run.Matched, queued.Count, changes.Count - queued.Count + unmarked);
    }

    /// <summary>Enqueues the last messages waiting, all in one call; their changes are queued, or on failure stay pending.</summary>
    private async Task FlushAsync(Run run, CancellationToken cancellationToken)
    {
        var waiting = run.TakeWaiting();
        if (waiting.Count == 0)
        {
            return;
        }

        try
        {
            await fanOut.EnqueueAsync(waiting.SelectMany(w => w.Tail).ToList(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not all of these changes' alerts are queued: they stay pending, for the message's retry.
            foreach (var (change, tail) in waiting)
            {
                LogDispatchFailed(ex, change.Id, change.Ticker);
                Interlocked.Add(ref run.Matched, -tail.Sum(a => a.Recipients.Count));
            }

            return;
        }

        foreach (var (change, _) in waiting)
        {
            run.Queued.Add(new DispatchMark(change, DispatchState.Dispatched));
        }
    }

    /// <summary>One dispatch of changes: what is matched, queued, and waiting to be enqueued together.</summary>
    private sealed class Run(int changes)
    {
        private readonly Lock _gate = new();
        private List<(RatingChange Change, List<AlertsMatched> Tail)> _waiting = [];
        private int _waitingMessages;

        /// <summary>Changes not yet taken up by a worker.</summary>
        public int NotStarted = changes;

        /// <summary>Alerts matched and queued (or waiting to be).</summary>
        public int Matched;

        /// <summary>Changes whose alerts are all queued.</summary>
        public System.Collections.Concurrent.ConcurrentBag<DispatchMark> Queued { get; } = [];

        /// <summary>A change's fan-out finished; its last messages (<paramref name="tail"/>) wait. True when they should be enqueued now.</summary>
        public bool Finished(RatingChange change, List<AlertsMatched> tail)
        {
            if (tail.Count == 0)
            {
                Queued.Add(new DispatchMark(change, DispatchState.Dispatched));
                return false;
            }

            lock (_gate)
            {
                _waiting.Add((change, tail));
                _waitingMessages += tail.Count;
                return _waitingMessages >= TailMessages || Volatile.Read(ref NotStarted) <= 0;
            }
        }

        public List<(RatingChange Change, List<AlertsMatched> Tail)> TakeWaiting()
        {
            lock (_gate)
            {
                var waiting = _waiting;
                _waiting = [];
                _waitingMessages = 0;
                return waiting;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} dispatched changes could not be marked so; they stay pending for a retry")]
    private partial void LogMarkFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts of change {ChangeId} on {Ticker} could not be enqueued; the change stays pending")]
    private partial void LogDispatchFailed(Exception exception, string changeId, string ticker);
}

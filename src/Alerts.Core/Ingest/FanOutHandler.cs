using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Ingest;

/// <summary>
/// The fan-out step: for a <see cref="ChangesStored"/> message, reads each named change and, for those still pending,
/// matches its subscribers, enqueues the alerts and marks it dispatched (<see cref="PendingChangeDispatcher"/>), then wakes
/// the dispatcher (<see cref="Delivery.IDispatchWakeUp"/>).
/// Safe to repeat: a change found dispatched is left alone, one half done is finished (alert ids are deterministic and
/// the sent log claims each alert once). A change that could not be finished makes <see cref="HandleAsync"/> throw, so the
/// queue delivers the message again (and sets it aside after its last attempt: the sweep then finds the pending row).
/// Corrections and withdrawals (a change with <see cref="RatingChange.CorrectionOf"/>) go to <see cref="CorrectionDispatcher"/>
/// instead: to whoever received the alert they correct, however old the change (its age decided that first alert).
/// Triggered by the queue in Azure (<c>FanOut</c>) and by the local runner's listener on the same queue.
/// </summary>
public sealed partial class FanOutHandler(
    IRatingChangeStore store,
    PendingChangeDispatcher dispatcher,
    CorrectionDispatcher corrections,
    Delivery.IDispatchWakeUp wakeUp,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<FanOutHandler> logger)
{
    /// <summary>How many named changes are read at once.</summary>
    private const int ReadConcurrency = 16;

    public async Task<PendingDispatchResult> HandleAsync(ChangesStored message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var pending = new System.Collections.Concurrent.ConcurrentQueue<RatingChange>();
        await Parallel.ForEachAsync(
            message.Changes.Distinct(),
            new ParallelOptions { MaxDegreeOfParallelism = ReadConcurrency, CancellationToken = cancellationToken },
            async (named, ct) =>
            {
                if (await store.GetAsync(named.Ticker, named.Id, ct) is { State: DispatchState.Pending } stored)
                {
                    pending.Enqueue(stored.Change);
                }
            });
        var result = await FanOutAsync(pending.ToList(), message.Parent, cancellationToken);
        if (result.Dispatched > 0)
        {
            LogFannedOut(result.Dispatched, result.Matched);
        }

        return result;
    }

    /// <summary>
    /// Fans out changes read as pending (by <see cref="HandleAsync"/>, or by <see cref="PendingChangeSweep"/>): marks
    /// those grown too old to alert anyone, dispatches the rest, and throws when any stays pending.
    /// </summary>
    public async Task<PendingDispatchResult> FanOutAsync(IReadOnlyList<RatingChange> pending, System.Diagnostics.ActivityContext parent, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var corrected = await corrections.DispatchAsync(pending.Where(c => c.CorrectionOf is not null).Select(c => new PendingDispatch(c, parent)).ToList(), cancellationToken);
        pending = pending.Where(c => c.CorrectionOf is null).ToList();
        var old = pending.Where(change => options.Value.IsTooOldToAlert(change.PublishedAt, now)).ToList();
        if (old.Count > 0)
        {
            await store.MarkAsync(old.Select(change => new DispatchMark(change, DispatchState.TooOld)).ToList(), cancellationToken);
            LogTooOld(old.Count);
        }

        var news = await dispatcher.DispatchAsync(pending.Except(old).Select(change => new PendingDispatch(change, parent)).ToList(), cancellationToken);
        var result = new PendingDispatchResult(news.Matched + corrected.Matched, news.Dispatched + corrected.Dispatched, news.Failed + corrected.Failed);
        if (result.Matched > 0)
        {
            await wakeUp.WakeAsync(cancellationToken);
        }

        if (result.Failed > 0)
        {
            throw new FanOutIncompleteException($"{result.Failed} of {pending.Count - old.Count + corrected.Dispatched + corrected.Failed} changes could not be fanned out; they stay pending.");
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fanned out {Changes} changes: {Matched} alerts matched")]
    private partial void LogFannedOut(int changes, int matched);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} pending changes had grown too old to alert anyone; marked so")]
    private partial void LogTooOld(int count);
}

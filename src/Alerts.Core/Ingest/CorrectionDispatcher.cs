using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Core.Ingest;

/// <summary>
/// The fan-out of stored corrections and withdrawals (changes with <see cref="RatingChange.CorrectionOf"/>), pending like
/// any news: finds the change whose alert the subscribers were told of (the one corrected, or, past edits that told nobody
/// anything, the last one that did), decides what to tell (<see cref="ChangeCorrection.Between"/>, or a withdrawal), and
/// queues it, through <see cref="AlertFanOut"/>, to exactly those of the ticker's current subscribers whom the sent log
/// says were sent that alert (<see cref="ISentAlertLog.WhoWasSentAsync"/>). The correction is a change of its own, so its
/// alert ids (<see cref="AlertIds.For"/>) and the sent log make it one email per subscriber however often this runs. An
/// edit of nothing a subscriber sees is marked <see cref="DispatchState.Correction"/> and sends nothing.
/// </summary>
public sealed partial class CorrectionDispatcher(
    IRatingChangeStore store,
    ISubscriberIndex index,
    ISentAlertLog sentLog,
    AlertFanOut fanOut,
    ILogger<CorrectionDispatcher> logger)
{
    /// <summary>How far back a chain of silent edits is followed to the change subscribers were told of.</summary>
    public const int MaxHops = 20;

    public async Task<PendingDispatchResult> DispatchAsync(IReadOnlyList<PendingDispatch> corrections, CancellationToken cancellationToken)
    {
        var matched = 0;
        var marks = new List<DispatchMark>();
        var failed = 0;
        foreach (var pending in corrections)
        {
            try
            {
                var (state, queued) = await DispatchOneAsync(pending, cancellationToken);
                if (state is { } done)
                {
                    marks.Add(new DispatchMark(pending.Change, done));
                    matched += queued;
                }
                else
                {
                    failed++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex, pending.Change.Id, pending.Change.Ticker);
                failed++;
            }
        }

        try
        {
            await store.MarkAsync(marks, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Left pending: done again, the alert ids and the sent log keep it one email each.
            LogMarkFailed(ex, marks.Count);
            return new PendingDispatchResult(matched, 0, corrections.Count);
        }

        return new PendingDispatchResult(matched, marks.Count, failed);
    }

    /// <summary>What the correction is marked (null: not yet, it stays pending) and how many alerts it queued.</summary>
    private async Task<(DispatchState? State, int Queued)> DispatchOneAsync(PendingDispatch pending, CancellationToken cancellationToken)
    {
        var change = pending.Change;
        var told = await ToldAsync(change, cancellationToken);
        if (told is null)
        {
            LogNothingToCorrect(change.Id, change.Ticker, change.CorrectionOf);
            return (DispatchState.Correction, 0);
        }

        if (told.Value.State == DispatchState.Pending)
        {
            // The corrected change's own alerts are not queued yet: this waits for them (the message's retry, or the sweep).
            LogWaiting(change.Id, told.Value.Change.Id);
            return (null, 0);
        }

        var correction = change.Withdrawn ? ChangeCorrection.Withdrawal(told.Value.Change) : ChangeCorrection.Between(told.Value.Change, change);
        if (correction is null)
        {
            LogNotMaterial(change.Id, told.Value.Change.Id);
            return (DispatchState.Correction, 0);
        }

        var subscribers = new List<string>();
        await foreach (var page in index.GetPagesAsync(change.Ticker, cancellationToken))
        {
            for (var row = 0; row < page.Count; row++)
            {
                subscribers.Add(page.SubscriptionId(row));
            }
        }

        var recipients = await sentLog.WhoWasSentAsync(told.Value.Change.Id, subscribers, cancellationToken);
        var queued = recipients.Count == 0 ? 0 : await fanOut.DispatchAsync(change with { Correction = correction }, recipients, cancellationToken, pending.Parent);
        LogQueued(correction.Kind, change.Id, told.Value.Change.Id, queued);
        return (DispatchState.Dispatched, queued);
    }

    /// <summary>
    /// The change the subscribers were last told of: the one <paramref name="correction"/> corrects, or, when that was an
    /// edit that told nobody anything (<see cref="DispatchState.Correction"/>), the one it corrected, and so on.
    /// </summary>
    private async Task<(RatingChange Change, DispatchState State)?> ToldAsync(RatingChange correction, CancellationToken cancellationToken)
    {
        var id = correction.CorrectionOf;
        for (var hop = 0; hop < MaxHops && id is not null; hop++)
        {
            var found = await store.GetAsync(correction.Ticker, id, cancellationToken);
            if (found is not { } stored)
            {
                return null;
            }

            if (stored.State != DispatchState.Correction || stored.Change.CorrectionOf is null)
            {
                return stored;
            }

            id = stored.Change.CorrectionOf;
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {ChangeId} of {OriginalId}: queued for {Recipients} subscribers who received the original")]
    private partial void LogQueued(CorrectionKind kind, string changeId, string originalId, int recipients);

    [LoggerMessage(Level = LogLevel.Information, Message = "Correction {ChangeId} of {OriginalId} changes nothing a subscriber sees: nothing sent")]
    private partial void LogNotMaterial(string changeId, string originalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Correction {ChangeId} on {Ticker} corrects {CorrectedId}, which is not stored: nothing sent")]
    private partial void LogNothingToCorrect(string changeId, string ticker, string? correctedId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Correction {ChangeId} waits for the alerts of {OriginalId}, still pending")]
    private partial void LogWaiting(string changeId, string originalId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Correction {ChangeId} on {Ticker} could not be fanned out; it stays pending")]
    private partial void LogFailed(Exception exception, string changeId, string ticker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} corrections could not be marked; they stay pending for a retry")]
    private partial void LogMarkFailed(Exception exception, int count);
}

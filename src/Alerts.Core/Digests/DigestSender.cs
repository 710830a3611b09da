using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Subscriptions;
using Microsoft.Extensions.Logging;

namespace Alerts.Core.Digests;

/// <summary>What one run of the digest job did.</summary>
public sealed record DigestSummary(int Subscribers, int Sent, int AlreadySent, int Alerts, int Dropped, int Retried, int Refused)
{
    public static readonly DigestSummary Empty = new(0, 0, 0, 0, 0, 0, 0);

    public DigestSummary Add(DigestSummary other) => new(
        Subscribers + other.Subscribers, Sent + other.Sent, AlreadySent + other.AlreadySent, Alerts + other.Alerts,
        Dropped + other.Dropped, Retried + other.Retried, Refused + other.Refused);
}

/// <summary>
/// The digest job (timer <c>SendDigests</c>, or the local runner's loop): for each subscriber with a due row, one email
/// with every alert held for them that is due. Each step is written down before the next, so that a crash anywhere
/// makes the next run finish the work, sending nothing twice and losing nothing:
/// <list type="number">
/// <item>the subscription is read again: deleted, or paused, and the due alerts are dropped unsent;</item>
/// <item>the alerts of the digest are written down as a batch (<see cref="DigestBatch"/>), or an unfinished batch is taken up;
/// for a subscriber who asked for notable calls only, those whose change has no notable line are left out (no email when none is left);</item>
/// <item>the digest is claimed in the sent log under its id, sent, and marked sent (a claim already marked: skip to 4);</item>
/// <item>each of its alerts is marked sent in the sent log (so a redelivered queue message never holds it again), its
/// held rows are deleted, then the batch row;</item>
/// <item>the due rows are removed only if unchanged since read: an alert held meanwhile keeps its row due, for the next run.</item>
/// </list>
/// </summary>
public sealed partial class DigestSender(
    IHeldAlertStore store,
    ISubscriptionStore subscriptions,
    ISentAlertLog sentLog,
    ISuppressionList suppressions,
    IEmailSender sender,
    DigestEmailComposer composer,
    StreetContextReader streetContext,
    TimeProvider time,
    ILogger<DigestSender> logger)
{
    /// <summary>Sends the digests due now, for at most <paramref name="max"/> due rows.</summary>
    public async Task<DigestSummary> SendDueAsync(int max, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await store.GetDueAsync(now, max, cancellationToken);
        var summary = DigestSummary.Empty;
        foreach (var rows in due.GroupBy(d => d.SubscriptionId, StringComparer.Ordinal))
        {
            try
            {
                summary = summary.Add(await SendAsync(rows.Key, rows.ToList(), now, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Everything stays as it is (due row included) for the next run.
                LogFailed(ex, rows.Key);
                summary = summary.Add(DigestSummary.Empty with { Subscribers = 1, Retried = 1 });
            }
        }

        return summary;
    }

    private async Task<DigestSummary> SendAsync(string subscriptionId, IReadOnlyList<DueDigest> dueRows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var subscription = await subscriptions.GetAsync(subscriptionId, cancellationToken);
        var held = await store.ReadAsync(subscriptionId, cancellationToken);

        // Unsubscribed: nothing is sent, ever. Paused: what fell due while paused is dropped, as alerts that a paused
        // subscription never matches; what is due later waits for its own time.
        if (subscription is null || subscription.Status != SubscriptionStatus.Active || subscription.Rules.Paused)
        {
            var drop = subscription is null ? held.Alerts : held.Alerts.Where(a => a.DueAt <= now).ToList();
            await store.DropAsync(subscriptionId, drop.Select(a => a.AlertId).ToList(), withBatch: true, cancellationToken);
            await RemoveDueAsync(dueRows, cancellationToken);
            LogDropped(subscriptionId, drop.Count, subscription is null ? "unsubscribed" : "paused");
            return DigestSummary.Empty with { Subscribers = 1, Dropped = drop.Count };
        }

        var batch = held.Batch;
        if (batch is null)
        {
            var dueAlerts = held.Alerts.Where(a => a.DueAt <= now).Select(a => a.AlertId).ToList();
            if (dueAlerts.Count == 0)
            {
                await RemoveDueAsync(dueRows, cancellationToken); // sent by an earlier run, with another due row
                return DigestSummary.Empty with { Subscribers = 1 };
            }

            batch = DigestBatch.For(subscriptionId, dueAlerts, now);
            if (!await store.StartBatchAsync(subscriptionId, batch, cancellationToken))
            {
                return DigestSummary.Empty with { Subscribers = 1, Retried = 1 }; // another run wrote one first
            }
        }

        var included = new HashSet<string>(batch.AlertIds, StringComparer.Ordinal);
        var alerts = held.Alerts.Where(a => included.Contains(a.AlertId)).ToList();

        // Notable calls only: the digest carries only the alerts whose change has a notable line, as the instant path does.
        var skipped = subscription.Rules.NotableOnly ? await NotNotableAsync(alerts, cancellationToken) : [];
        if (skipped.Count > 0)
        {
            alerts = alerts.Where(a => !skipped.Contains(a.AlertId)).ToList();
            LogNotNotable(subscriptionId, skipped.Count);
        }

        if (alerts.Count == 0 && skipped.Count > 0)
        {
            // Nothing notable: no email; the alerts are done, with the reason.
            await Task.WhenAll(batch.AlertIds.Select(id => sentLog.MarkRefusedAsync(id, subscriptionId, NotNotableReason, now, cancellationToken)));
            await store.CompleteBatchAsync(subscriptionId, batch, cancellationToken);
            await RemoveDueAsync(dueRows, cancellationToken);
            return DigestSummary.Empty with { Subscribers = 1, Dropped = skipped.Count };
        }

        var claim = await sentLog.TryClaimAsync(batch.DigestId, subscriptionId, now, cancellationToken);
        if (claim == SendClaim.Busy)
        {
            return DigestSummary.Empty with { Subscribers = 1, Retried = 1 };
        }

        var summary = DigestSummary.Empty with { Subscribers = 1, AlreadySent = claim == SendClaim.AlreadySent ? 1 : 0 };
        string? refusedFor = null;
        if (claim == SendClaim.Claimed)
        {
            var result = await SendOneAsync(subscription, batch, alerts, cancellationToken);
            switch (result.Status)
            {
                case EmailSendStatus.Accepted:
                    await sentLog.MarkSentAsync(batch.DigestId, subscriptionId, time.GetUtcNow(), cancellationToken);
                    summary = summary with { Sent = 1, Alerts = alerts.Count };
                    break;
                case EmailSendStatus.Permanent:
                    refusedFor = result.Reason ?? "refused";
                    await sentLog.MarkRefusedAsync(batch.DigestId, subscriptionId, refusedFor, time.GetUtcNow(), cancellationToken);
                    LogRefused(subscriptionId, batch.DigestId, refusedFor);
                    summary = summary with { Refused = 1 };
                    break;
                default:
                    await sentLog.ReleaseAsync(batch.DigestId, cancellationToken);
                    LogRetrying(subscriptionId, result.Reason);
                    return summary with { Retried = 1 };
            }
        }

        // The digest left (or was refused for good): its alerts are done, so that no copy of them goes out again.
        await Task.WhenAll(batch.AlertIds.Select(id => skipped.Contains(id)
            ? sentLog.MarkRefusedAsync(id, subscriptionId, NotNotableReason, now, cancellationToken)
            : refusedFor is null
                ? sentLog.MarkSentAsync(id, subscriptionId, now, cancellationToken)
                : sentLog.MarkRefusedAsync(id, subscriptionId, refusedFor, now, cancellationToken)));
        summary = skipped.Count > 0 ? summary with { Dropped = skipped.Count } : summary;
        await store.CompleteBatchAsync(subscriptionId, batch, cancellationToken);
        await RemoveDueAsync(dueRows, cancellationToken);
        return summary;
    }

    /// <summary>
    /// The ids of the held alerts whose change has no notable line (<see cref="NotableCalls"/>), judged on each change's own
    /// street context as the instant path judges it; a change whose history cannot be read cannot be judged, and is skipped too.
    /// </summary>
    private async Task<HashSet<string>> NotNotableAsync(IReadOnlyList<HeldAlert> alerts, CancellationToken cancellationToken)
    {
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var alert in alerts)
        {
            if (await streetContext.GetAsync(alert.Change, cancellationToken) is not { Notable.Count: > 0 })
            {
                skipped.Add(alert.AlertId);
            }
        }

        return skipped;
    }

    private async Task<EmailSendResult> SendOneAsync(Subscription subscription, DigestBatch batch, IReadOnlyList<HeldAlert> alerts, CancellationToken cancellationToken)
    {
        try
        {
            if (await suppressions.IsSuppressedAsync(subscription.Email, cancellationToken))
            {
                return EmailSendResult.Permanent("The address is suppressed (it bounced, reported spam or unsubscribed at the carrier).");
            }

            // Each ticker's street context, as of its newest change in the digest (null where history is unreadable).
            var contexts = new Dictionary<string, StreetContext>(StringComparer.Ordinal);
            foreach (var newest in alerts.Select(a => a.Change).GroupBy(c => c.Ticker, StringComparer.Ordinal).Select(g => g.MaxBy(c => c.PublishedAt)!))
            {
                if (await streetContext.GetAsync(newest, cancellationToken) is { } context)
                {
                    contexts[newest.Ticker] = context;
                }
            }

            var email = composer.Compose(subscription.Id, subscription.Email, batch.DigestId, alerts.Select(a => a.Change).ToList(), contexts);
            return await sender.SendAsync(email, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return EmailSendResult.Transient(ex.Message);
        }
    }

    private async Task RemoveDueAsync(IReadOnlyList<DueDigest> dueRows, CancellationToken cancellationToken)
    {
        foreach (var row in dueRows)
        {
            await store.RemoveDueAsync(row, cancellationToken);
        }
    }

    private const string NotNotableReason = "Skipped: the subscriber asked for notable calls only, and this change is not one (or its history could not be read to tell).";

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest for subscription {SubscriptionId}: {Count} held alerts left out (notable calls only)")]
    private partial void LogNotNotable(string subscriptionId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Digest for subscription {SubscriptionId} failed; it stays due")]
    private partial void LogFailed(Exception exception, string subscriptionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId}: {Count} held alerts dropped unsent ({Reason})")]
    private partial void LogDropped(string subscriptionId, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digest {DigestId} for subscription {SubscriptionId} refused by the email carrier for good: {Reason}")]
    private partial void LogRefused(string subscriptionId, string digestId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digest for subscription {SubscriptionId} will be retried: {Reason}")]
    private partial void LogRetrying(string subscriptionId, string? reason);
}

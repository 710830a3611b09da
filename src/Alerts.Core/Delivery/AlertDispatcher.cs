using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Delivery;

/// <summary>What one drain of the alert queue did.</summary>
public sealed record DispatchSummary(int Messages, int Sent, int AlreadySent, int Refused, int Retried, int DeadLettered)
{
    public static readonly DispatchSummary Empty = new(0, 0, 0, 0, 0, 0);

    /// <summary>Alerts held for a digest instead of sent (digest mode, quiet hours, hourly cap).</summary>
    public int Held { get; init; }

    public DispatchSummary Add(DispatchSummary other) => new(
        Messages + other.Messages, Sent + other.Sent, AlreadySent + other.AlreadySent,
        Refused + other.Refused, Retried + other.Retried, DeadLettered + other.DeadLettered)
    {
        Held = Held + other.Held,
    };
}

/// <summary>
/// Drains the alert queue and emails each recipient. A message is completed only once every recipient's email was
/// accepted (or refused for good); a transient failure makes it visible again after a backoff, and after
/// <see cref="DeliveryOptions.MaxDeliveryCount"/> attempts it is dead-lettered with the reason, never dropped.
/// The sent log makes a redelivered message skip those already emailed; suppressed addresses are never emailed.
/// Each recipient is first routed by its delivery settings (<see cref="RouteAsync"/>): an alert that must wait (digest,
/// quiet hours, hourly cap) is held for the digest job instead of sent.
/// </summary>
public sealed partial class AlertDispatcher(
    IAlertQueue queue,
    IEmailSender sender,
    ISentAlertLog sentLog,
    ISuppressionList suppressions,
    AlertEmailComposer composer,
    DeliveryRouter router,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<AlertDispatcher> logger)
{
    /// <summary>Receives and handles messages until the queue is empty (or <paramref name="budget"/> is spent).</summary>
    public async Task<DispatchSummary> DrainAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var summary = DispatchSummary.Empty;
        var started = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested && time.GetElapsedTime(started) < budget)
        {
            var messages = await queue.ReceiveAsync(options.Value.ReceiveBatchSize, cancellationToken);
            if (messages.Count == 0)
            {
                break;
            }

            var results = await Task.WhenAll(messages.Select(m => HandleAsync(m, cancellationToken)));
            foreach (var result in results)
            {
                summary = summary.Add(result);
            }
        }

        return summary;
    }

    /// <summary>Handles one received message; never throws for a failure of the email carrier.</summary>
    public async Task<DispatchSummary> HandleAsync(ReceivedAlerts message, CancellationToken cancellationToken)
    {
        if (message.Alerts is null)
        {
            await queue.DeadLetterAsync(message, "The message body is not an AlertsMatched message.", cancellationToken);
            LogDeadLettered(message.MessageId, "unreadable body");
            return new DispatchSummary(1, 0, 0, 0, 0, 1);
        }

        if (message.Alerts.DeadLetterReason is { } refusedFor)
        {
            await queue.DeadLetterAsync(message, refusedFor, cancellationToken);
            LogDeadLettered(message.MessageId, refusedFor);
            return new DispatchSummary(1, 0, 0, 0, 0, 1);
        }

        int sent = 0, already = 0, held = 0;
        var refused = new List<(AlertRecipient Recipient, string Reason)>();
        EmailSendResult? transient = null;
        foreach (var recipient in message.Alerts.Recipients)
        {
            var route = await RouteAsync(message.Alerts.Change, recipient, cancellationToken);
            if (route == DeliveryRoute.Busy)
            {
                transient = EmailSendResult.Transient("The alert could not be held for its digest now.");
                break;
            }

            if (route != DeliveryRoute.SendNow)
            {
                held += route == DeliveryRoute.Held ? 1 : 0;
                already += route == DeliveryRoute.AlreadyDone ? 1 : 0;
                continue;
            }

            var now = time.GetUtcNow();
            var claim = await sentLog.TryClaimAsync(recipient.AlertId, recipient.SubscriptionId, now, cancellationToken);
            if (claim == SendClaim.AlreadySent)
            {
                already++;
                continue;
            }

            if (claim == SendClaim.Busy)
            {
                transient = EmailSendResult.Transient("Another dispatcher is sending this alert.");
                break;
            }

            EmailSendResult result;
            try
            {
                result = await suppressions.IsSuppressedAsync(recipient.Email, cancellationToken)
                    ? EmailSendResult.Permanent("The address is suppressed (it bounced, reported spam or unsubscribed at the carrier).")
                    : await sender.SendAsync(composer.Compose(message.Alerts.Change, recipient), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result = EmailSendResult.Transient(ex.Message);
            }

            switch (result.Status)
            {
                case EmailSendStatus.Accepted:
                    await UntilRecordedAsync(ct => sentLog.MarkSentAsync(recipient.AlertId, recipient.SubscriptionId, time.GetUtcNow(), ct), recipient.AlertId, cancellationToken);
                    sent++;
                    break;
                case EmailSendStatus.Permanent:
                    var reason = result.Reason ?? "refused";
                    await UntilRecordedAsync(ct => sentLog.MarkRefusedAsync(recipient.AlertId, recipient.SubscriptionId, reason, time.GetUtcNow(), ct), recipient.AlertId, cancellationToken);
                    LogRefused(recipient.AlertId, reason);
                    refused.Add((recipient, reason));
                    break;
                default:
                    await sentLog.ReleaseAsync(recipient.AlertId, cancellationToken);
                    transient = result;
                    break;
            }

            if (transient is not null)
            {
                break;
            }
        }

        // Every refused recipient is dead-lettered with its reason, never silently dropped: the whole message when it
        // was the only one, else split off into a message of its own that the next drain dead-letters.
        if (transient is null && refused.Count > 0 && refused.Count == message.Alerts.Recipients.Count && message.Alerts.Recipients.Count == 1)
        {
            await queue.DeadLetterAsync(message, refused[0].Reason, cancellationToken);
            LogDeadLettered(message.MessageId, refused[0].Reason);
            return new DispatchSummary(1, sent, already, refused.Count, 0, 1) { Held = held };
        }

        if (refused.Count > 0)
        {
            await queue.EnqueueAsync(
                refused.Select(r => new AlertsMatched(
                    AlertIds.ForMessage([r.Recipient.AlertId]) + "-refused", message.Alerts.Change, [r.Recipient], message.Alerts.MatchedAt, r.Reason)).ToList(),
                cancellationToken);
        }

        if (transient is null)
        {
            await queue.CompleteAsync(message, cancellationToken);
            return new DispatchSummary(1, sent, already, refused.Count, 0, 0) { Held = held };
        }

        if (message.DeliveryCount >= options.Value.MaxDeliveryCount)
        {
            var reason = $"Gave up after {message.DeliveryCount} attempts: {transient.Reason}";
            await queue.DeadLetterAsync(message, reason, cancellationToken);
            LogDeadLettered(message.MessageId, reason);
            return new DispatchSummary(1, sent, already, refused.Count, 0, 1) { Held = held };
        }

        var delay = transient.RetryAfter ?? Backoff(message.DeliveryCount);
        await queue.RetryLaterAsync(message, delay, cancellationToken);
        LogRetrying(message.MessageId, message.DeliveryCount, delay, transient.Reason);
        return new DispatchSummary(1, sent, already, refused.Count, 1, 0) { Held = held };
    }

    /// <summary>
    /// Where one recipient's alert goes now (see <see cref="DeliveryRouter"/>). A storage failure while holding is a
    /// transient failure of the message, retried like a carrier's.
    /// </summary>
    private async Task<DeliveryRoute> RouteAsync(Ratings.RatingChange change, AlertRecipient recipient, CancellationToken cancellationToken)
    {
        try
        {
            return await router.RouteAsync(change, recipient, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHoldFailed(recipient.AlertId, ex.Message);
            return DeliveryRoute.Busy;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} could not be held for its digest ({Reason}); the message will be retried")]
    private partial void LogHoldFailed(string alertId, string reason);

    /// <summary>
    /// Once the carrier has taken an email, recording it must not fail: if it did, the claim would expire and the alert be
    /// sent again. So while storage is away the record is retried here (this dispatcher holds the message meanwhile,
    /// and nothing else in the process handles it), for up to <see cref="RecordPatience"/>.
    /// </summary>
    private async Task UntilRecordedAsync(Func<CancellationToken, Task> record, string alertId, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await record(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && time.GetElapsedTime(started) < RecordPatience)
            {
                LogRecordRetry(alertId, ex.Message);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    /// <summary>How long the outcome of an email that left is retried while storage is unreachable.</summary>
    public static readonly TimeSpan RecordPatience = TimeSpan.FromMinutes(10);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} left, but recording it failed ({Reason}); retrying")]
    private partial void LogRecordRetry(string alertId, string reason);

    /// <summary>Exponential backoff: 2 s, 4 s, 8 s, ... at most 5 minutes.</summary>
    public static TimeSpan Backoff(int deliveryCount) =>
        TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Clamp(deliveryCount, 1, 16))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} refused by the email carrier for good: {Reason}")]
    private partial void LogRefused(string alertId, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} (attempt {DeliveryCount}) will be retried in {Delay}: {Reason}")]
    private partial void LogRetrying(string messageId, int deliveryCount, TimeSpan delay, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} dead-lettered: {Reason}")]
    private partial void LogDeadLettered(string messageId, string reason);
}

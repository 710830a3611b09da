using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Delivery;

/// <summary>What one drain of the alert queue did.</summary>
public sealed record DispatchSummary(int Messages, int Sent, int AlreadySent, int Refused, int Retried, int DeadLettered)
{
    public static readonly DispatchSummary Empty = new(0, 0, 0, 0, 0, 0);

    public DispatchSummary Add(DispatchSummary other) => new(
        Messages + other.Messages, Sent + other.Sent, AlreadySent + other.AlreadySent,
        Refused + other.Refused, Retried + other.Retried, DeadLettered + other.DeadLettered);
}

/// <summary>
/// Drains the alert queue and emails each recipient. A message is completed only once every recipient's email was
/// accepted (or refused for good); a transient failure makes it visible again after a backoff, and after
/// <see cref="DeliveryOptions.MaxDeliveryCount"/> attempts it is dead-lettered with the reason, never dropped.
/// The sent log makes a redelivered message skip those already emailed; suppressed addresses are never emailed.
/// </summary>
public sealed partial class AlertDispatcher(
    IAlertQueue queue,
    IEmailSender sender,
    ISentAlertLog sentLog,
    ISuppressionList suppressions,
    AlertEmailComposer composer,
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

        int sent = 0, already = 0, refused = 0;
        EmailSendResult? transient = null;
        foreach (var recipient in message.Alerts.Recipients)
        {
            if (await sentLog.WasSentAsync(recipient.AlertId, cancellationToken))
            {
                already++;
                continue;
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
                    await sentLog.RecordSentAsync(recipient.AlertId, recipient.SubscriptionId, time.GetUtcNow(), cancellationToken);
                    sent++;
                    break;
                case EmailSendStatus.Permanent:
                    LogRefused(recipient.AlertId, result.Reason);
                    refused++;
                    break;
                default:
                    transient = result;
                    break;
            }

            if (transient is not null)
            {
                break;
            }
        }

        if (transient is null)
        {
            await queue.CompleteAsync(message, cancellationToken);
            return new DispatchSummary(1, sent, already, refused, 0, 0);
        }

        if (message.DeliveryCount >= options.Value.MaxDeliveryCount)
        {
            var reason = $"Gave up after {message.DeliveryCount} attempts: {transient.Reason}";
            await queue.DeadLetterAsync(message, reason, cancellationToken);
            LogDeadLettered(message.MessageId, reason);
            return new DispatchSummary(1, sent, already, refused, 0, 1);
        }

        var delay = transient.RetryAfter ?? Backoff(message.DeliveryCount);
        await queue.RetryLaterAsync(message, delay, cancellationToken);
        LogRetrying(message.MessageId, message.DeliveryCount, delay, transient.Reason);
        return new DispatchSummary(1, sent, already, refused, 1, 0);
    }

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

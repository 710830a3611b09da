using System.Text.Json;
using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Azure.Messaging.ServiceBus;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The alert queue on Azure Service Bus. Each message's <c>MessageId</c> is derived from its alert ids, so the
/// queue's duplicate detection drops a re-send. Messages are received in peek-lock mode and completed only after
/// every email was accepted. A transient failure leaves the message locked until its lock expires (the backoff is
/// the queue's lock duration); Service Bus then redelivers it, and dead-letters it after its MaxDeliveryCount.
/// </summary>
internal sealed class ServiceBusAlertQueue(ServiceBusSender sender, ServiceBusReceiver receiver) : IAlertQueue
{
    public const string QueueNameSetting = "ServiceBus:QueueName";
    public const string DefaultQueueName = "alerts";

    /// <summary>How long a receive waits for a message when the queue is empty.</summary>
    public static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(1);

    /// <summary>1,000 recipients (about 170 KB) fit a Service Bus Standard message (256 KB), and one SendGrid request.</summary>
    public int MaxRecipientsPerMessage => 1000;

    public async Task EnqueueAsync(IReadOnlyList<AlertsMatched> messages, CancellationToken cancellationToken)
    {
        var queue = new Queue<ServiceBusMessage>(messages.Select(ToMessage));
        while (queue.Count > 0)
        {
            using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
            while (queue.Count > 0 && batch.TryAddMessage(queue.Peek()))
            {
                queue.Dequeue();
            }

            if (batch.Count == 0)
            {
                throw new InvalidOperationException($"Message {queue.Peek().MessageId} is larger than a Service Bus message may be.");
            }

            await sender.SendMessagesAsync(batch, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<ReceivedAlerts>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var received = await receiver.ReceiveMessagesAsync(maxMessages, ReceiveWait, cancellationToken);
        return received.Select(m => new ReceivedAlerts(m.MessageId, AlertsMessageCodec.Decode(m.Body), m.DeliveryCount, m)).ToList();
    }

    public Task CompleteAsync(ReceivedAlerts message, CancellationToken cancellationToken) =>
        receiver.CompleteMessageAsync((ServiceBusReceivedMessage)message.Receipt, cancellationToken);

    public Task RetryLaterAsync(ReceivedAlerts message, TimeSpan delay, CancellationToken cancellationToken) =>
        // Leave the lock to expire: Service Bus redelivers after the queue's lock duration and counts the attempt.
        Task.CompletedTask;

    public Task DeadLetterAsync(ReceivedAlerts message, string reason, CancellationToken cancellationToken) =>
        receiver.DeadLetterMessageAsync(
            (ServiceBusReceivedMessage)message.Receipt,
            deadLetterReason: "DeliveryFailed",
            deadLetterErrorDescription: reason.Length > 1024 ? reason[..1024] : reason,
            cancellationToken: cancellationToken);

    internal static ServiceBusMessage ToMessage(AlertsMatched alerts) =>
        new(AlertsMessageCodec.Encode(alerts))
        {
            MessageId = alerts.MessageId,
            ContentType = "application/json",
            Subject = nameof(AlertsMatched),
            ApplicationProperties = { ["ticker"] = alerts.Change.Ticker, ["changeId"] = alerts.Change.Id },
        };
}

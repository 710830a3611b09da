using System.Diagnostics;
using Alerts.Core.Delivery;
using Alerts.Core.Diagnostics;
using Alerts.Core.Matching;
using Azure.Messaging.ServiceBus;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The alert queue on Azure Service Bus. Each message's <c>MessageId</c> is derived from its alert ids, so the
/// queue's duplicate detection drops a re-send. Messages are received in peek-lock mode and completed only after
/// every email was accepted. A transient failure leaves the message locked until its lock expires (the backoff is
/// the queue's lock duration); Service Bus then redelivers it, and dead-letters it after its MaxDeliveryCount.
/// </summary>
internal sealed class ServiceBusAlertQueue(ServiceBusSender sender, ServiceBusReceiver receiver, ServiceBusReceiver? deadLetters = null) : IAlertQueue, IDeadLetterQueue
{
    public const string QueueNameSetting = "ServiceBus:QueueName";
    public const string DefaultQueueName = "alerts";

    /// <summary>How long a receive waits for a message when the queue is empty.</summary>
    public static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(1);

    /// <summary>1,000 recipients (about 170 KB) fit a Service Bus Standard message (256 KB), and one SendGrid request.</summary>
    public int MaxRecipientsPerMessage => 1000;

    /// <summary>
    /// The most bytes of JSON a message carrying several changes' alerts is filled to (<see cref="AlertsMessageCodec.Pack"/>):
    /// inside Service Bus Standard's 256 KB with room for the message's properties.
    /// </summary>
    public const int MaxPackedBytes = 192 * 1024;

    /// <summary>
    /// The application property that carries the W3C <c>traceparent</c> of the enqueue, as the Azure SDK and the Functions
    /// Service Bus trigger name it; <c>tracestate</c> rides in a property of that name.
    /// </summary>
    public const string DiagnosticIdProperty = "Diagnostic-Id";

    public const string TraceStateProperty = "tracestate";

    public async Task EnqueueAsync(IReadOnlyList<AlertsMatched> messages, CancellationToken cancellationToken)
    {
        using var activity = AlertsTelemetry.StartEnqueue("servicebus", sender.EntityPath, messages);
        var packed = AlertsMessageCodec.Pack(messages, MaxPackedBytes, MaxRecipientsPerMessage);
        AlertsTelemetry.Enqueuing(activity, packed.Count);
        var queue = new Queue<ServiceBusMessage>(packed.Select(ToMessage));
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
        return received.Select(FromMessage).ToList();
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

    /// <summary>Where a peek from the start of the queue starts (a queue's sequence numbers start at 1).</summary>
    public const long FirstSequenceNumber = 1;

    public async Task<IReadOnlyList<DeadLetter>> PeekDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        var peeked = await DeadLetters.PeekMessagesAsync(Math.Clamp(max, 1, 250), FirstSequenceNumber, cancellationToken);
        return peeked.Select(m => new DeadLetter(
            m.MessageId,
            $"{m.DeadLetterReason}: {m.DeadLetterErrorDescription}",
            m.DeliveryCount,
            m.EnqueuedTime,
            AlertsMessageCodec.Decode(m.Body)?.Alerts)).ToList();
    }

    /// <summary>
    /// Sends each dead letter again under a new MessageId (the old one is still inside the duplicate-detection window,
    /// and would be dropped), then completes it on the dead-letter queue.
    /// </summary>
    public async Task<int> ReplayDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        var replayed = 0;
        while (replayed < max)
        {
            var batch = await DeadLetters.ReceiveMessagesAsync(Math.Clamp(max - replayed, 1, 100), ReceiveWait, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                var again = new ServiceBusMessage(message) { MessageId = $"{message.MessageId}-replay-{message.SequenceNumber}" };
                await sender.SendMessageAsync(again, cancellationToken);
                await DeadLetters.CompleteMessageAsync(message, cancellationToken);
                replayed++;
            }
        }

        return replayed;
    }

    /// <summary>
    /// Counts by peeking from the start of each queue (the data-plane roles the app holds cannot read queue runtime
    /// properties), so counts above <see cref="StatsPeekLimit"/> read as that limit.
    /// </summary>
    public async Task<AlertQueueStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var pending = await receiver.PeekMessagesAsync(StatsPeekLimit, FirstSequenceNumber, cancellationToken);
        var dead = await DeadLetters.PeekMessagesAsync(StatsPeekLimit, FirstSequenceNumber, cancellationToken);
        return new AlertQueueStats(pending.Count, dead.Count, pending.Count > 0 ? pending.Min(m => m.EnqueuedTime) : null);
    }

    /// <summary>The most messages a health check peeks at.</summary>
    public const int StatsPeekLimit = 250;

    private ServiceBusReceiver DeadLetters => deadLetters ?? throw new InvalidOperationException("No dead-letter receiver was given.");

    /// <summary>
    /// The message for <paramref name="packed"/>: one change's alerts carry its <c>ticker</c> and <c>changeId</c> as
    /// application properties (for filters and the portal's explorer); several changes' carry their count, <c>changes</c>.
    /// </summary>
    internal static ServiceBusMessage ToMessage(AlertsMessageCodec.PackedMessage packed)
    {
        var message = new ServiceBusMessage(packed.Body)
        {
            MessageId = packed.MessageId,
            ContentType = "application/json",
            Subject = nameof(AlertsMatched),
        };
        if (packed.Alerts is [var single])
        {
            message.ApplicationProperties["ticker"] = single.Change.Ticker;
            message.ApplicationProperties["changeId"] = single.Change.Id;
        }
        else
        {
            message.ApplicationProperties["changes"] = packed.Alerts.Count;
        }

        // The enqueue span's context, so that the dispatch of this message continues the trace.
        if (Activity.Current is { } activity && AlertsTelemetry.TraceParent(activity.Context) is { } traceParent)
        {
            message.ApplicationProperties[DiagnosticIdProperty] = traceParent;
            if (activity.TraceStateString is { } traceState)
            {
                message.ApplicationProperties[TraceStateProperty] = traceState;
            }
        }

        return message;
    }

    internal static ReceivedAlerts FromMessage(ServiceBusReceivedMessage message)
    {
        var properties = message.ApplicationProperties;
        var traceParent = (properties.GetValueOrDefault(DiagnosticIdProperty) ?? properties.GetValueOrDefault("traceparent")) as string;
        var parent = AlertsTelemetry.ParentFrom(traceParent, properties.GetValueOrDefault(TraceStateProperty) as string);
        return new ReceivedAlerts(message.MessageId, AlertsMessageCodec.Decode(message.Body)?.Alerts, message.DeliveryCount, message, parent);
    }
}

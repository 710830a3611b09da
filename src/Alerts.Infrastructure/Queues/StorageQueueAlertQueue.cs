using System.Text.Json;
using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Storage;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The alert queue on an Azure Storage queue (Azurite locally), used when no Service Bus is configured.
/// A received message stays invisible for <see cref="VisibilityTimeout"/>; after the last failed attempt it is
/// copied, with the reason, to <c>alerts-poison</c> and only then deleted.
/// </summary>
internal sealed class StorageQueueAlertQueue(QueueServiceClient queues, StorageBootstrapper storage) : IAlertQueue
{
    /// <summary>How long a received message stays hidden from other dispatchers while it is handled.</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest retry delay used. The service refuses a visibility timeout below zero or beyond 7 days (or beyond the
    /// message's expiry, 7 days after it was sent), so longer delays are shortened and negative ones mean "now".
    /// </summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromDays(1);

    /// <summary>A recipient takes about 170 bytes of JSON; 250 of them and the change stay well inside a 64 KiB message.</summary>
    public int MaxRecipientsPerMessage => 250;

    private readonly QueueClient _queue = queues.GetQueueClient(StorageNames.AlertsQueue);
    private readonly QueueClient _poison = queues.GetQueueClient(StorageNames.AlertsPoisonQueue);

    public async Task EnqueueAsync(IReadOnlyList<AlertsMatched> messages, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await Task.WhenAll(messages.Select(m =>
            _queue.SendMessageAsync(AlertsMessageCodec.Encode(m), cancellationToken: cancellationToken)));
    }

    public async Task<IReadOnlyList<ReceivedAlerts>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        QueueMessage[] received = await _queue.ReceiveMessagesAsync(Math.Clamp(maxMessages, 1, 32), VisibilityTimeout, cancellationToken);
        return received.Select(m =>
        {
            var alerts = AlertsMessageCodec.Decode(m.Body);
            return new ReceivedAlerts(alerts?.MessageId ?? m.MessageId, alerts, (int)m.DequeueCount, new Receipt(m.MessageId, m.PopReceipt, m.Body));
        }).ToList();
    }

    public async Task CompleteAsync(ReceivedAlerts message, CancellationToken cancellationToken)
    {
        var receipt = (Receipt)message.Receipt;
        await _queue.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt, cancellationToken);
    }

    public async Task RetryLaterAsync(ReceivedAlerts message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var receipt = (Receipt)message.Receipt;
        var visibilityTimeout = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxRetryDelay ? MaxRetryDelay : delay;
        await _queue.UpdateMessageAsync(receipt.MessageId, receipt.PopReceipt, visibilityTimeout: visibilityTimeout, cancellationToken: cancellationToken);
    }

    public async Task DeadLetterAsync(ReceivedAlerts message, string reason, CancellationToken cancellationToken)
    {
        var receipt = (Receipt)message.Receipt;
        var poisoned = new PoisonedMessage(message.MessageId, reason, message.DeliveryCount, receipt.Body.ToString());
        await _poison.SendMessageAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(poisoned, InfrastructureJsonContext.Default.PoisonedMessage)), cancellationToken: cancellationToken);
        await _queue.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt, cancellationToken);
    }

    private sealed record Receipt(string MessageId, string PopReceipt, BinaryData Body);
}

/// <summary>What the poison queue holds: the original body and why it was given up on.</summary>
internal sealed record PoisonedMessage(string MessageId, string Reason, int DeliveryCount, string Body);

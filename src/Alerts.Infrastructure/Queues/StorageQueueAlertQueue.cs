using System.Diagnostics;
using System.Text.Json;
using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Core.Diagnostics;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Storage;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The alert queue on an Azure Storage queue (Azurite locally), used when no Service Bus is configured.
/// A received message stays invisible for <see cref="VisibilityTimeout"/>; after the last failed attempt it is
/// copied, with the reason, to <c>alerts-poison</c> and only then deleted.
/// </summary>
internal sealed class StorageQueueAlertQueue(QueueServiceClient queues, StorageBootstrapper storage, IOptions<DeliveryOptions>? options = null) : IAlertQueue, IDeadLetterQueue
{
    /// <summary>How long a received message stays hidden from other dispatchers while it is handled (<see cref="DeliveryOptions.LockSeconds"/>).</summary>
    public TimeSpan VisibilityTimeout { get; } = TimeSpan.FromSeconds((options?.Value ?? new DeliveryOptions()).LockSeconds);

    /// <summary>
    /// The longest retry delay used. The service refuses a visibility timeout below zero or beyond 7 days (or beyond the
    /// message's expiry, 7 days after it was sent), so longer delays are shortened and negative ones mean "now".
    /// </summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromDays(1);

    /// <summary>A recipient takes about 170 bytes of JSON; 250 of them and the change stay well inside a 64 KiB message.</summary>
    public int MaxRecipientsPerMessage => 250;

    /// <summary>
    /// The most bytes of JSON a message carrying several changes' alerts is filled to (<see cref="AlertsMessageCodec.Pack"/>):
    /// well inside the service's 64 KiB, which also counts the XML the body travels in.
    /// </summary>
    public const int MaxPackedBytes = 48 * 1024;

    /// <summary>The <c>messaging.system</c> of the enqueue span.</summary>
    private const string MessagingSystem = "azure.storage.queue";

    private readonly QueueClient _queue = queues.GetQueueClient(StorageNames.AlertsQueue);
    private readonly QueueClient _poison = queues.GetQueueClient(StorageNames.AlertsPoisonQueue);

    public async Task EnqueueAsync(IReadOnlyList<AlertsMatched> messages, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        using var activity = AlertsTelemetry.StartEnqueue(MessagingSystem, StorageNames.AlertsQueue, messages);
        var packed = AlertsMessageCodec.Pack(messages, MaxPackedBytes, MaxRecipientsPerMessage, Activity.Current?.Context ?? default);
        AlertsTelemetry.Enqueuing(activity, packed.Count);
        await Task.WhenAll(packed.Select(m => _queue.SendMessageAsync(m.Body, cancellationToken: cancellationToken)));
    }

    public async Task<IReadOnlyList<ReceivedAlerts>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        QueueMessage[] received = await _queue.ReceiveMessagesAsync(Math.Clamp(maxMessages, 1, 32), VisibilityTimeout, cancellationToken);
        return received.Select(m =>
        {
            var decoded = AlertsMessageCodec.Decode(m.Body);
            var parent = decoded is null ? default : AlertsMessageCodec.DecodeTrace(m.Body);
            return new ReceivedAlerts(decoded?.MessageId ?? m.MessageId, decoded?.Alerts, (int)m.DequeueCount, new Receipt(m.MessageId, m.PopReceipt, m.Body), parent);
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

    public async Task<IReadOnlyList<DeadLetter>> PeekDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        PeekedMessage[] peeked = await _poison.PeekMessagesAsync(Math.Clamp(max, 1, 32), cancellationToken);
        return peeked.Select(m =>
        {
            var poisoned = ReadPoisoned(m.Body);
            return new DeadLetter(
                poisoned?.MessageId ?? m.MessageId,
                poisoned?.Reason ?? "unreadable poison message",
                poisoned?.DeliveryCount ?? 0,
                m.InsertedOn,
                poisoned is null ? null : AlertsMessageCodec.Decode(BinaryData.FromString(poisoned.Body))?.Alerts);
        }).ToList();
    }

    public async Task<int> ReplayDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var replayed = 0;
        while (replayed < max)
        {
            QueueMessage[] batch = await _poison.ReceiveMessagesAsync(Math.Clamp(max - replayed, 1, 32), TimeSpan.FromMinutes(1), cancellationToken);
            if (batch.Length == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                var poisoned = ReadPoisoned(message.Body);
                if (poisoned is not null)
                {
                    await _queue.SendMessageAsync(BinaryData.FromString(poisoned.Body), cancellationToken: cancellationToken);
                    await _poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    replayed++;
                }
            }
        }

        return replayed;
    }

    public async Task<AlertQueueStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var pending = await _queue.GetPropertiesAsync(cancellationToken);
        var poisoned = await _poison.GetPropertiesAsync(cancellationToken);
        PeekedMessage[] oldest = await _queue.PeekMessagesAsync(1, cancellationToken);
        return new AlertQueueStats(pending.Value.ApproximateMessagesCountLong, poisoned.Value.ApproximateMessagesCountLong, oldest.FirstOrDefault()?.InsertedOn);
    }

    private static PoisonedMessage? ReadPoisoned(BinaryData body)
    {
        try
        {
            return JsonSerializer.Deserialize(body.ToMemory().Span, InfrastructureJsonContext.Default.PoisonedMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What the poison queue holds: the original body and why it was given up on.</summary>
internal sealed record PoisonedMessage(string MessageId, string Reason, int DeliveryCount, string Body);

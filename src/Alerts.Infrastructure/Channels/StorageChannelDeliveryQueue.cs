using Alerts.Core.Channels;
using Alerts.Infrastructure.Storage;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Alerts.Infrastructure.Channels;

/// <summary>
/// The <c>channel-deliveries</c> Storage queue (plain JSON text, as host.json's <c>messageEncoding: none</c> reads it),
/// with its poison queue for dead letters. Read in Azure by the <c>DeliverToChannel</c> queue trigger and locally by
/// <see cref="ChannelQueueListener"/>, which also uses the receive side here. A retry is a new message made visible after
/// its backoff, so that the wait can double, which the trigger's own retries (a fixed visibility timeout) cannot.
/// </summary>
internal sealed class StorageChannelDeliveryQueue(QueueServiceClient queues) : IChannelDeliveryQueue, Queues.IListenedQueue
{
    /// <summary>Messages sent at once: a popular ticker's change may have thousands of channel deliveries.</summary>
    private const int SendParallelism = 16;

    private readonly QueueClient _queue = queues.GetQueueClient(ChannelDelivery.QueueName);
    private readonly QueueClient _poison = queues.GetQueueClient(ChannelDelivery.PoisonQueueName);
    private readonly SemaphoreSlim _enqueued = new(0, 1);
    private volatile bool _created;

    public string PoisonQueueName => ChannelDelivery.PoisonQueueName;

    public async Task EnqueueAsync(IReadOnlyList<ChannelDelivery> deliveries, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken);
        TimeSpan? visibility = delay > TimeSpan.Zero ? delay : null;
        await Parallel.ForEachAsync(
            deliveries,
            new ParallelOptions { MaxDegreeOfParallelism = SendParallelism, CancellationToken = cancellationToken },
            async (delivery, ct) => await _queue.SendMessageAsync(delivery.ToJson(), visibility, cancellationToken: ct));
        if (_enqueued.CurrentCount == 0)
        {
            try
            {
                _enqueued.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public async Task DeadLetterAsync(ChannelDelivery delivery, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await EnsureCreatedAsync(cancellationToken);
        await _poison.SendMessageAsync(delivery.ToJson(), cancellationToken: cancellationToken);
    }

    /// <summary>Waits until this process enqueues a delivery, or <paramref name="timeout"/> passes (the local listener's wake-up).</summary>
    public Task<bool> WaitForEnqueueAsync(TimeSpan timeout, CancellationToken cancellationToken) => _enqueued.WaitAsync(timeout, cancellationToken);

    public async Task<QueueMessage[]> ReceiveAsync(int max, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await _queue.ReceiveMessagesAsync(max, visibilityTimeout, cancellationToken);
    }

    public Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken) =>
        _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);

    /// <summary>Makes a message whose handling failed (storage, most likely) visible again after <paramref name="delay"/>.</summary>
    public Task RetryLaterAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: cancellationToken);

    /// <summary>Moves a message that could not be handled at all to the poison queue, as the Functions host does.</summary>
    public async Task PoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await _poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await DeleteAsync(message, cancellationToken);
    }

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _created = true;
    }
}

using Alerts.Core.Ingest;
using Alerts.Infrastructure.Storage;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The fan-out queue on an Azure Storage queue (<c>changes</c>, on the app's storage account whatever carries the
/// alerts; Azurite locally). Messages are plain JSON text (host.json: <c>messageEncoding: none</c>), read in Azure by the
/// <c>FanOut</c> queue trigger and locally by <see cref="FanOutQueueListener"/>, which also uses the receive side here.
/// </summary>
internal sealed class StorageFanOutQueue(QueueServiceClient queues) : IFanOutQueue, IListenedQueue
{
    private readonly QueueClient _queue = queues.GetQueueClient(StorageNames.ChangesQueue);
    private readonly QueueClient _poison = queues.GetQueueClient(StorageNames.ChangesPoisonQueue);
    private readonly SemaphoreSlim _enqueued = new(0, 1);
    private volatile bool _created;

    public string PoisonQueueName => StorageNames.ChangesPoisonQueue;

    public async Task EnqueueAsync(IReadOnlyList<ChangesStored> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken);
        await Task.WhenAll(messages.Select(m => _queue.SendMessageAsync(m.ToJson(), cancellationToken)));
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

    /// <summary>Waits until this process enqueues a message, or <paramref name="timeout"/> passes (the local listener's wake-up).</summary>
    public Task<bool> WaitForEnqueueAsync(TimeSpan timeout, CancellationToken cancellationToken) => _enqueued.WaitAsync(timeout, cancellationToken);

    public async Task<QueueMessage[]> ReceiveAsync(int max, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await _queue.ReceiveMessagesAsync(max, visibilityTimeout, cancellationToken);
    }

    public Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken) =>
        _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);

    /// <summary>Makes a failed message visible again after <paramref name="delay"/>.</summary>
    public Task RetryLaterAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: cancellationToken);

    /// <summary>Moves a message to <c>changes-poison</c> as the Functions host does after its last attempt: a copy, then the delete.</summary>
    public async Task PoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await _poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await DeleteAsync(message, cancellationToken);
    }

    /// <summary>Creates the queue and its poison queue on first use; a failure is not remembered (the next call tries again).</summary>
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

using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// A Storage queue with its poison queue, whose receive side a <see cref="StorageQueueListener"/> reads in the local
/// runner (in Azure a queue trigger reads it). Subclasses add their own enqueue and call <see cref="Signal"/> after it,
/// so that a listener in the same process wakes at once instead of at its next poll.
/// </summary>
internal abstract class ListenedStorageQueue(QueueClient queue, QueueClient poison)
{
    private readonly SemaphoreSlim _enqueued = new(0, 1);
    private volatile bool _created;

    /// <summary>The queue where messages go after their last attempt, for logs.</summary>
    public string PoisonQueueName => poison.Name;

    protected QueueClient Queue => queue;

    protected QueueClient Poison => poison;

    /// <summary>Waits until this process enqueues a message, or <paramref name="timeout"/> passes (the local listener's wake-up).</summary>
    public Task<bool> WaitForEnqueueAsync(TimeSpan timeout, CancellationToken cancellationToken) => _enqueued.WaitAsync(timeout, cancellationToken);

    public async Task<QueueMessage[]> ReceiveAsync(int max, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await queue.ReceiveMessagesAsync(max, visibilityTimeout, cancellationToken);
    }

    public Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken) =>
        queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);

    /// <summary>Makes a failed message visible again after <paramref name="delay"/>.</summary>
    public Task RetryLaterAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: cancellationToken);

    /// <summary>Moves a message to the poison queue as the Functions host does after its last attempt: a copy, then the delete.</summary>
    public async Task PoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await DeleteAsync(message, cancellationToken);
    }

    /// <summary>Wakes a listener in this process: something was just enqueued.</summary>
    protected void Signal()
    {
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

    /// <summary>Creates the queue and its poison queue on first use; a failure is not remembered (the next call tries again).</summary>
    protected async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _created = true;
    }
}

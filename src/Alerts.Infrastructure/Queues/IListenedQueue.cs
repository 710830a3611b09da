using Azure.Storage.Queues.Models;

namespace Alerts.Infrastructure.Queues;

/// <summary>The receive side of a Storage queue that a <see cref="StorageQueueListener"/> reads in the local runner.</summary>
internal interface IListenedQueue
{
    /// <summary>The queue where messages go after their last attempt, for logs.</summary>
    string PoisonQueueName { get; }

    /// <summary>Waits until this process enqueues a message, or <paramref name="timeout"/> passes.</summary>
    Task<bool> WaitForEnqueueAsync(TimeSpan timeout, CancellationToken cancellationToken);

    Task<QueueMessage[]> ReceiveAsync(int max, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken);

    /// <summary>Makes a failed message visible again after <paramref name="delay"/>.</summary>
    Task RetryLaterAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Moves a message to the poison queue as the Functions host does after its last attempt: a copy, then the delete.</summary>
    Task PoisonAsync(QueueMessage message, CancellationToken cancellationToken);
}

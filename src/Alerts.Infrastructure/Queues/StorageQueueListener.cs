using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The local runner's stand-in for a Functions queue trigger, with the trigger's rules: messages are received
/// <see cref="BatchSize"/> at a time and handled together; a message is deleted once handled; one whose handling throws
/// comes back after a backoff (2, 4, 8... seconds), and after <see cref="MaxDequeueCount"/> attempts goes to the poison
/// queue. A message this process was handling when it died comes back after its visibility timeout. It looks again at
/// once when this process enqueues, else every <see cref="IdlePoll"/>.
/// </summary>
internal abstract partial class StorageQueueListener(ListenedStorageQueue queue, TimeSpan visibilityTimeout, ILogger logger) : BackgroundService
{
    /// <summary>The attempts before a message is set aside (host.json <c>queues.maxDequeueCount</c> says the same in Azure).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>How often an idle listener looks for messages enqueued elsewhere (or back from a retry).</summary>
    public static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    /// <summary>Messages taken at once (the trigger's default <c>batchSize</c>).</summary>
    private const int BatchSize = 16;

    /// <summary>Handles one message's body; a throw retries it.</summary>
    protected abstract Task HandleAsync(string body, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages = [];
            try
            {
                messages = await queue.ReceiveAsync(BatchSize, visibilityTimeout, stoppingToken);
                await Task.WhenAll(messages.Select(m => HandleMessageAsync(m, stoppingToken)));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage down, most likely: the messages come back by themselves; look again after the idle wait.
                LogFailed(queue.PoisonQueueName, ex.Message);
                messages = [];
            }

            if (messages.Length == 0)
            {
                try
                {
                    await queue.WaitForEnqueueAsync(IdlePoll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task HandleMessageAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await HandleAsync(message.Body.ToString(), cancellationToken);
            await queue.DeleteAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (message.DequeueCount >= MaxDequeueCount)
            {
                LogPoisoned(ex, message.MessageId, message.DequeueCount, queue.PoisonQueueName);
                await queue.PoisonAsync(message, cancellationToken);
            }
            else
            {
                LogRetrying(message.MessageId, message.DequeueCount, ex.Message);
                await queue.RetryLaterAsync(message, TimeSpan.FromSeconds(Math.Pow(2, message.DequeueCount)), cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {MessageId} (attempt {DequeueCount}) failed and will be retried: {Reason}")]
    private partial void LogRetrying(string messageId, long dequeueCount, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {MessageId} failed {DequeueCount} times; moved to {PoisonQueue}")]
    private partial void LogPoisoned(Exception exception, string messageId, long dequeueCount, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The listener of the queue behind {PoisonQueue} could not read it: {Reason}")]
    private partial void LogFailed(string poisonQueue, string reason);
}

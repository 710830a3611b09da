using Alerts.Core.Ingest;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The local runner's stand-in for the <c>FanOut</c> queue trigger: receives <see cref="ChangesStored"/> messages from the
/// same Storage queue and hands each to the same <see cref="FanOutHandler"/>, with the trigger's rules: a message is
/// deleted once handled; one that fails comes back after a short backoff, and after <see cref="MaxDequeueCount"/>
/// attempts goes to <c>changes-poison</c> (the sweep then finds its pending rows). A message this process was handling
/// when it died comes back after <see cref="VisibilityTimeout"/>. It looks again at once when this process enqueues,
/// else every <see cref="IdlePoll"/>.
/// </summary>
internal sealed partial class FanOutQueueListener(StorageFanOutQueue queue, FanOutHandler handler, ILogger<FanOutQueueListener> logger) : BackgroundService
{
    /// <summary>The attempts before a message is set aside (host.json <c>queues.maxDequeueCount</c> says the same in Azure).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>How long a received message stays hidden while it is handled.</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle listener looks for messages enqueued elsewhere (or back from a retry).</summary>
    public static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    /// <summary>Messages taken at once (the trigger's default <c>batchSize</c>).</summary>
    private const int BatchSize = 16;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages = [];
            try
            {
                messages = await queue.ReceiveAsync(BatchSize, VisibilityTimeout, stoppingToken);
                await Task.WhenAll(messages.Select(m => HandleAsync(m, stoppingToken)));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage down, most likely: the messages come back by themselves; look again after the idle wait.
                LogFailed(ex.Message);
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

    private async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await handler.HandleAsync(ChangesStored.Parse(message.Body.ToString()), cancellationToken);
            await queue.DeleteAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (message.DequeueCount >= MaxDequeueCount)
            {
                LogPoisoned(ex, message.MessageId, message.DequeueCount);
                await queue.PoisonAsync(message, cancellationToken);
            }
            else
            {
                LogRetrying(message.MessageId, message.DequeueCount, ex.Message);
                await queue.RetryLaterAsync(message, TimeSpan.FromSeconds(Math.Pow(2, message.DequeueCount)), cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fan-out message {MessageId} (attempt {DequeueCount}) failed and will be retried: {Reason}")]
    private partial void LogRetrying(string messageId, long dequeueCount, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fan-out message {MessageId} failed {DequeueCount} times; moved to changes-poison (the sweep finishes its changes)")]
    private partial void LogPoisoned(Exception exception, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The fan-out listener could not read its queue: {Reason}")]
    private partial void LogFailed(string reason);
}

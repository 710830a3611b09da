using Alerts.Core.Channels;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Channels;

/// <summary>
/// The local runner's stand-in for the <c>DeliverToChannel</c> queue trigger, on the pattern of
/// <see cref="Queues.FanOutQueueListener"/>: receives <see cref="ChannelDelivery"/> messages and hands each to the same
/// <see cref="ChannelDeliveryHandler"/>. The handler queues its own retries (with backoff) and dead letters; a message whose
/// handling throws (storage down) comes back after a short wait, and after <see cref="MaxDequeueCount"/> attempts, or when
/// it is not a delivery at all, goes to <c>channel-deliveries-poison</c>.
/// </summary>
internal sealed partial class ChannelQueueListener(StorageChannelDeliveryQueue queue, ChannelDeliveryHandler handler, ILogger<ChannelQueueListener> logger) : BackgroundService
{
    /// <summary>The attempts before a message that keeps throwing is set aside (host.json <c>queues.maxDequeueCount</c>).</summary>
    public const int MaxDequeueCount = 5;

    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

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
        var delivery = ChannelDelivery.Parse(message.Body.ToString());
        try
        {
            if (delivery is null)
            {
                LogPoisoned(null, message.MessageId, message.DequeueCount);
                await queue.PoisonAsync(message, cancellationToken);
                return;
            }

            await handler.HandleAsync(delivery, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel message {MessageId} (attempt {DequeueCount}) failed and will be retried: {Reason}")]
    private partial void LogRetrying(string messageId, long dequeueCount, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel message {MessageId} could not be handled ({DequeueCount} attempts); moved to channel-deliveries-poison")]
    private partial void LogPoisoned(Exception? exception, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The channel listener could not read its queue: {Reason}")]
    private partial void LogFailed(string reason);
}

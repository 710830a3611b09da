using System.Text;
using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Channels;

/// <summary>
/// Delivers one alert to one channel (a <c>channel-deliveries</c> message; the Functions queue trigger and the local
/// runner's listener both call this): at most once, by a claim in the sent log under <see cref="ChannelDelivery.DeliveryId"/>,
/// marked sent once the receiver answered 2xx. A failure for now (5xx, 408, 429, no answer) queues the next attempt after a
/// backoff that doubles (<see cref="ChannelOptions.Backoff"/>); the last attempt's failure, or a refusal for good (another
/// 4xx), dead-letters it (<c>channel-deliveries-poison</c>, and "refused" in the sent log, so no copy posts it later) and
/// counts against the channel, which is paused after <see cref="ChannelOptions.PauseAfterDeadLetters"/> in a row.
/// A paused channel gets nothing; a notable-only subscriber gets notable calls only, as by email.
/// A delivery another worker has claimed is queued again for later. A storage failure throws: the queue then delivers
/// the message again.
/// </summary>
public sealed partial class ChannelDeliveryHandler(
    IChannelTransport transport,
    IChannelDeliveryQueue queue,
    ISentAlertLog sentLog,
    IChannelStateStore states,
    StreetContextReader streetContext,
    Links links,
    IOptions<ChannelOptions> options,
    TimeProvider time,
    ILogger<ChannelDeliveryHandler> logger)
{
    /// <summary>How long a delivery claimed by another worker waits before it is looked at again.</summary>
    public static readonly TimeSpan BusyDelay = TimeSpan.FromSeconds(30);

    public async Task<ChannelDeliveryOutcome> HandleAsync(ChannelDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var channel = delivery.Channel;
        var state = await states.GetAsync(delivery.SubscriptionId, channel.Id, cancellationToken);
        if (state is { IsPaused: true })
        {
            LogSkipped(delivery.DeliveryId, "the channel is paused");
            return ChannelDeliveryOutcome.Skipped;
        }

        switch (await sentLog.TryClaimAsync(delivery.DeliveryId, delivery.SubscriptionId, time.GetUtcNow(), cancellationToken))
        {
            case SendClaim.AlreadySent:
                return ChannelDeliveryOutcome.AlreadyDone;
            case SendClaim.Busy:
                // Another worker holds the claim (or died holding it: the claim expires). Look again later, as the same
                // attempt, rather than spend the queue's few redeliveries while the claim runs out.
                await queue.EnqueueAsync([delivery], BusyDelay, cancellationToken);
                LogBusy(delivery.DeliveryId);
                return ChannelDeliveryOutcome.Retrying;
        }

        var context = await streetContext.GetAsync(delivery.Change, cancellationToken);
        if (delivery.NotableOnly == true && context is not { Notable.Count: > 0 })
        {
            const string reason = "Skipped: the subscriber asked for notable calls only, and this change is not one (or its history could not be read to tell).";
            await sentLog.MarkRefusedAsync(delivery.DeliveryId, delivery.SubscriptionId, reason, time.GetUtcNow(), cancellationToken);
            LogSkipped(delivery.DeliveryId, reason);
            return ChannelDeliveryOutcome.Skipped;
        }

        var body = ChannelMessages.Alert(channel.Type, delivery, context, links.Ticker(delivery.Change.Ticker), links.Manage(delivery.SubscriptionId));
        var headers = new Dictionary<string, string>();
        if (channel.Type == ChannelType.Webhook && channel.Secret is { Length: > 0 } secret)
        {
            headers[WebhookSignature.HeaderName] = WebhookSignature.Sign(secret, time.GetUtcNow().ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body));
        }

        var response = await transport.PostAsync(new Uri(channel.Url), body, headers, cancellationToken);
        if (response.IsSuccess)
        {
            await sentLog.MarkSentAsync(delivery.DeliveryId, delivery.SubscriptionId, time.GetUtcNow(), cancellationToken);
            if (state is { DeadLettersInARow: > 0 })
            {
                await states.RecordDeliveredAsync(delivery.SubscriptionId, channel.Id, cancellationToken);
            }

            LogDelivered(delivery.DeliveryId, channel.Type.ToWireName(), delivery.Attempt);
            return ChannelDeliveryOutcome.Delivered;
        }

        var settings = options.Value;
        var forGood = response.Status is >= 400 and < 500 and not 408 and not 429;
        if (!forGood && delivery.Attempt < settings.MaxAttempts)
        {
            await sentLog.ReleaseAsync(delivery.DeliveryId, cancellationToken);
            var next = delivery with { Attempt = delivery.Attempt + 1 };
            await queue.EnqueueAsync([next], settings.Backoff(next.Attempt), cancellationToken);
            LogRetrying(delivery.DeliveryId, delivery.Attempt, response.Describe());
            return ChannelDeliveryOutcome.Retrying;
        }

        var now = time.GetUtcNow();
        var why = forGood
            ? $"the receiver refused it ({response.Describe()})"
            : $"{delivery.Attempt} attempts failed (last: {response.Describe()})";
        await sentLog.MarkRefusedAsync(delivery.DeliveryId, delivery.SubscriptionId, "Dead-lettered: " + why, now, cancellationToken);
        await queue.DeadLetterAsync(delivery, why, cancellationToken);
        var note = $"Paused on {now:yyyy-MM-dd HH:mm} UTC: {settings.PauseAfterDeadLetters} alerts in a row could not be delivered (last: {why}). Remove the channel and add it again to resume.";
        var written = await states.RecordDeadLetterAsync(delivery.SubscriptionId, channel.Id, settings.PauseAfterDeadLetters, note, now, cancellationToken);
        LogDeadLettered(delivery.DeliveryId, why, written.IsPaused);
        return ChannelDeliveryOutcome.DeadLettered;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel delivery {DeliveryId} ({ChannelType}) delivered on attempt {Attempt}")]
    private partial void LogDelivered(string deliveryId, string channelType, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel delivery {DeliveryId} is claimed by another worker; looked at again later")]
    private partial void LogBusy(string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel delivery {DeliveryId} skipped: {Reason}")]
    private partial void LogSkipped(string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel delivery {DeliveryId} failed on attempt {Attempt} ({Reason}); the next attempt is queued")]
    private partial void LogRetrying(string deliveryId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel delivery {DeliveryId} dead-lettered: {Reason}; channel paused: {Paused}")]
    private partial void LogDeadLettered(string deliveryId, string reason, bool paused);
}

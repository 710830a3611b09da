using Alerts.Core.Delivery;
using Alerts.Core.Diagnostics;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Matching;

/// <summary>
/// Matches one stored change against its ticker's subscribers and enqueues the alerts, page by page,
/// in messages of up to <see cref="DeliveryOptions.RecipientsPerMessage"/> recipients. A paused subscriber's rules match
/// nothing (see <see cref="SubscriberRules.Paused"/>).
/// </summary>
public sealed class AlertFanOut(ISubscriberIndex index, IAlertQueue queue, DispatchSignal signal, IOptions<DeliveryOptions> options, TimeProvider time)
{
    /// <summary>Enqueues the alerts of <paramref name="change"/> and returns how many subscribers it matched.</summary>
    public async Task<int> DispatchAsync(RatingChange change, CancellationToken cancellationToken)
    {
        using var activity = AlertsTelemetry.StartMatch(change);
        var perMessage = Math.Min(options.Value.RecipientsPerMessage, queue.MaxRecipientsPerMessage);
        var page = new List<AlertRecipient>(perMessage);
        var messages = new List<AlertsMatched>();
        var matched = 0;
        var facts = ChangeFacts.Of(change);

        await foreach (var subscriber in index.GetSubscribersAsync(change.Ticker, cancellationToken))
        {
            if (!subscriber.Compiled.Matches(in facts))
            {
                continue;
            }

            page.Add(new AlertRecipient(
                AlertIds.For(change.Id, subscriber.SubscriptionId),
                subscriber.SubscriptionId,
                subscriber.Email,
                subscriber.Delivery is { IsPlainInstant: false } delivery ? delivery : null));
            matched++;
            if (page.Count == perMessage)
            {
                messages.Add(Message(change, page));
                page = new List<AlertRecipient>(perMessage);
            }

            if (messages.Count == 10)
            {
                await queue.EnqueueAsync(messages, cancellationToken);
                signal.Notify();
                messages = [];
            }
        }

        if (page.Count > 0)
        {
            messages.Add(Message(change, page));
        }

        if (messages.Count > 0)
        {
            await queue.EnqueueAsync(messages, cancellationToken);
        }

        if (matched > 0)
        {
            signal.Notify();
        }

        AlertsTelemetry.Matched(activity, matched);
        return matched;
    }

    private AlertsMatched Message(RatingChange change, List<AlertRecipient> recipients) =>
        new(AlertIds.ForMessage(recipients.Select(r => r.AlertId)), change, recipients, time.GetUtcNow());
}

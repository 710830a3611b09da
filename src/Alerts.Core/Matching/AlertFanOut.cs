using System.Buffers;
using System.Diagnostics;
using Alerts.Core.Channels;
using Alerts.Core.Delivery;
using Alerts.Core.Diagnostics;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Matching;

/// <summary>
/// Matches one stored change against its ticker's subscribers and enqueues the alerts. The subscribers are read and
/// matched a page of the index at a time (<see cref="SubscriberPage.Match"/>: each distinct rule set checked once per
/// page); the matched rows leave in index order, in messages of up to <see cref="DeliveryOptions.RecipientsPerMessage"/>
/// recipients, enqueued ten at a time. A paused subscriber's rules match nothing (see <see cref="SubscriberRules.Paused"/>).
/// Changes matched together can hand their last messages to the caller instead (<c>tail</c>), to be enqueued together
/// (<see cref="EnqueueAsync"/>): the queue then carries several changes' alerts in one message, rather than a message,
/// and its send and delete, for every change followed by a few people.
/// A matched subscriber's channels besides email (carried in its index row) each get a <see cref="ChannelDelivery"/> of
/// the same alert on <paramref name="channels"/>, enqueued once the change is matched.
/// </summary>
public sealed class AlertFanOut(ISubscriberIndex index, IAlertQueue queue, DispatchSignal signal, IOptions<DeliveryOptions> options, TimeProvider time, IChannelDeliveryQueue? channels = null)
{
    /// <summary>Enqueues the alerts of <paramref name="change"/> and returns how many subscribers it matched.</summary>
    /// <param name="parent">The trace of the post that stored the change, when matched after its answer (else the current one).</param>
    public Task<int> DispatchAsync(RatingChange change, CancellationToken cancellationToken, ActivityContext parent = default) =>
        DispatchAsync(change, tail: null, cancellationToken, parent);

    /// <summary>
    /// Enqueues the alerts of <paramref name="change"/> to <paramref name="only"/> those of the ticker's subscribers,
    /// whatever their rules say (a paused subscription excepted): a correction goes to whoever received the alert it
    /// corrects. Returns how many subscribers it was queued for.
    /// </summary>
    public Task<int> DispatchAsync(RatingChange change, IReadOnlySet<string> only, CancellationToken cancellationToken, ActivityContext parent = default) =>
        DispatchAsync(change, tail: null, cancellationToken, parent, only ?? throw new ArgumentNullException(nameof(only)));

    /// <summary>
    /// Enqueues the alerts of <paramref name="change"/>, except its last messages (fewer than ten) when
    /// <paramref name="tail"/> is given: those are added to it, and the change's alerts are all queued only once the caller
    /// has enqueued them (<see cref="EnqueueAsync"/>). Returns how many subscribers it matched.
    /// </summary>
    /// <param name="only">When given, the recipients: these subscribers, not those the rules match (see the overload).</param>
    public async Task<int> DispatchAsync(RatingChange change, ICollection<AlertsMatched>? tail, CancellationToken cancellationToken, ActivityContext parent = default, IReadOnlySet<string>? only = null)
    {
        using var activity = AlertsTelemetry.StartMatch(change, parent);
        var perMessage = Math.Min(options.Value.RecipientsPerMessage, queue.MaxRecipientsPerMessage);
        var recipients = new List<AlertRecipient>(perMessage);
        var messages = new List<AlertsMatched>();
        var matched = 0;
        var channelDeliveries = new List<ChannelDelivery>();
        var facts = ChangeFacts.Of(change);
        int[]? matchedRows = null;
        try
        {
            await foreach (var subscribers in index.GetPagesAsync(change.Ticker, cancellationToken))
            {
                if (matchedRows is null || matchedRows.Length < subscribers.Count)
                {
                    Return(matchedRows);
                    matchedRows = ArrayPool<int>.Shared.Rent(subscribers.Count);
                }

                var count = only is null ? subscribers.Match(in facts, matchedRows) : Among(subscribers, only, matchedRows);
                for (var i = 0; i < count; i++)
                {
                    var row = matchedRows[i];
                    var subscriptionId = subscribers.SubscriptionId(row);
                    recipients.Add(new AlertRecipient(
                        AlertIds.For(change.Id, subscriptionId),
                        subscriptionId,
                        subscribers.Email(row),
                        subscribers.Delivery(row) is { IsPlainInstant: false } delivery ? delivery : null,
                        only is null && subscribers.Rules(row).NotableOnly ? true : null));
                    if (only is null)
                    {
                        ChannelDeliveries.Add(channelDeliveries, recipients[^1], change, subscribers.Channels(row));
                    }

                    matched++;
                    if (recipients.Count == perMessage)
                    {
                        messages.Add(Message(change, recipients, activity));
                        recipients = new List<AlertRecipient>(perMessage);
                    }

                    if (messages.Count == 10)
                    {
                        await QueueAsync(messages, cancellationToken);
                        messages = [];
                    }
                }
            }
        }
        finally
        {
            Return(matchedRows);
        }

        if (recipients.Count > 0)
        {
            messages.Add(Message(change, recipients, activity));
        }

        if (messages.Count > 0 && tail is not null)
        {
            foreach (var message in messages)
            {
                tail.Add(message);
            }

            messages = [];
        }

        if (messages.Count > 0)
        {
            await QueueAsync(messages, cancellationToken);
        }

        if (channels is not null && channelDeliveries.Count > 0)
        {
            await channels.EnqueueAsync(channelDeliveries, TimeSpan.Zero, cancellationToken);
        }

        AlertsTelemetry.Matched(activity, matched);
        return matched;
    }

    /// <summary>Enqueues the tails of changes matched together (the queue packs them into as few messages as fit) and wakes the dispatcher.</summary>
    public async Task EnqueueAsync(IReadOnlyList<AlertsMatched> tail, CancellationToken cancellationToken)
    {
        if (tail.Count == 0)
        {
            return;
        }

        await QueueAsync(tail, cancellationToken);
    }

    /// <summary>Enqueues and wakes the dispatcher.</summary>
    private async Task QueueAsync(IReadOnlyList<AlertsMatched> messages, CancellationToken cancellationToken)
    {
        await queue.EnqueueAsync(messages, cancellationToken);
        signal.Notify();
    }

    /// <summary>The rows of <paramref name="page"/> whose subscription is one of <paramref name="only"/> and not paused.</summary>
    private static int Among(SubscriberPage page, IReadOnlySet<string> only, int[] rows)
    {
        var count = 0;
        for (var row = 0; row < page.Count; row++)
        {
            if (only.Contains(page.SubscriptionId(row)) && !page.Rules(row).Paused)
            {
                rows[count++] = row;
            }
        }

        return count;
    }

    private static void Return(int[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    private AlertsMatched Message(RatingChange change, List<AlertRecipient> recipients, Activity? match) =>
        new(AlertIds.ForMessage(recipients.Select(r => r.AlertId)), change, recipients, time.GetUtcNow()) { Trace = match?.Context ?? default };
}

using Alerts.Core.Context;
using Alerts.Core.Diagnostics;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Delivery;

/// <summary>What one drain of the alert queue did.</summary>
public sealed record DispatchSummary(int Messages, int Sent, int AlreadySent, int Refused, int Retried, int DeadLettered)
{
    public static readonly DispatchSummary Empty = new(0, 0, 0, 0, 0, 0);

    /// <summary>Alerts held for a digest instead of sent (digest mode, quiet hours, hourly cap).</summary>
    public int Held { get; init; }

    public DispatchSummary Add(DispatchSummary other) => new(
        Messages + other.Messages, Sent + other.Sent, AlreadySent + other.AlreadySent,
        Refused + other.Refused, Retried + other.Retried, DeadLettered + other.DeadLettered)
    {
        Held = Held + other.Held,
    };
}

/// <summary>
/// Drains the alert queue and emails each recipient. The recipients of one change, from every message received together,
/// go out as batches of up to <see cref="EmailBatch.MaxRecipients"/> (one SendGrid request each, a personalization per
/// recipient), so a change followed by 100,000 people costs about 100 carrier requests, not 100,000.
/// Every recipient is claimed in the sent log before its batch leaves and marked after, so no one is emailed twice
/// (a redelivered message skips those already emailed; two dispatchers never both send one alert); suppressed addresses
/// are never emailed. A message is completed only once every recipient's email was accepted (or refused for good); a
/// transient failure makes it visible again after a backoff (with a wake-up for that moment, see <see cref="IDispatchWakeUp"/>), and after <see cref="DeliveryOptions.MaxDeliveryCount"/>
/// attempts it is dead-lettered with the reason, never dropped.
/// Each recipient is first routed by its delivery settings (<see cref="DeliveryRouter"/>): an alert that must wait (digest,
/// quiet hours, hourly cap) is held for the digest job instead of sent.
/// </summary>
public sealed partial class AlertDispatcher(
    IAlertQueue queue,
    IEmailSender sender,
    ISentAlertLog sentLog,
    ISuppressionList suppressions,
    AlertEmailComposer composer,
    StreetContextReader streetContext,
    DeliveryRouter router,
    IDispatchWakeUp wakeUp,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<AlertDispatcher> logger)
{
    /// <summary>How long after a retried message is visible again its wake-up arrives (the message is then sure to be there).</summary>
    private static readonly TimeSpan WakeUpMargin = TimeSpan.FromSeconds(1);

    /// <summary>How many sent-log and suppression requests one batch makes at once.</summary>
    private const int StorageConcurrency = 32;

    /// <summary>
    /// How many changes' emails are composed and sent at once: messages received together may carry thousands of changes
    /// (a message carries several), and their emails are not all built in memory together.
    /// </summary>
    public const int SendConcurrency = 32;

    /// <summary>Receives and handles messages until the queue is empty (or <paramref name="budget"/> is spent).</summary>
    public async Task<DispatchSummary> DrainAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var summary = DispatchSummary.Empty;
        var started = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested && time.GetElapsedTime(started) < budget)
        {
            var messages = await queue.ReceiveAsync(options.Value.ReceiveBatchSize, cancellationToken);
            if (messages.Count == 0)
            {
                break;
            }

            summary = summary.Add(await HandleAsync(messages, cancellationToken));
        }

        return summary;
    }

    /// <summary>Handles one received message; never throws for a failure of the email carrier.</summary>
    public Task<DispatchSummary> HandleAsync(ReceivedAlerts message, CancellationToken cancellationToken) =>
        HandleAsync([message], cancellationToken);

    /// <summary>
    /// Handles messages received together: their recipients are pooled by change and sent in batches, then each message is
    /// completed, retried or dead-lettered on the outcome of its own recipients.
    /// </summary>
    public async Task<DispatchSummary> HandleAsync(IReadOnlyList<ReceivedAlerts> messages, CancellationToken cancellationToken)
    {
        var summary = DispatchSummary.Empty;
        var deliveries = new List<MessageDelivery>(messages.Count);
        foreach (var message in messages)
        {
            if (message.Alerts is null)
            {
                await queue.DeadLetterAsync(message, "The message body is not an AlertsMatched message.", cancellationToken);
                LogDeadLettered(message.MessageId, "unreadable body");
                summary = summary.Add(new DispatchSummary(1, 0, 0, 0, 0, 1));
            }
            else if (message.Alerts.Select(a => a.DeadLetterReason).FirstOrDefault(r => r is not null) is { } refusedFor)
            {
                await queue.DeadLetterAsync(message, refusedFor, cancellationToken);
                LogDeadLettered(message.MessageId, refusedFor);
                summary = summary.Add(new DispatchSummary(1, 0, 0, 0, 0, 1));
            }
            else
            {
                deliveries.Add(new MessageDelivery(message, message.Alerts));
            }
        }

        // Every recipient of every change received together is routed, claimed (the claims written together: a few
        // transactions of the sent log, not a request per recipient) and checked against the suppression list; then each
        // change's recipients are sent in batches, and the accepted ones marked sent together.
        var changes = deliveries
            .SelectMany(d => d.Alerts.SelectMany(a => a.Recipients.Select(r => new Pending(d, a, r))))
            .GroupBy(p => p.Alerts.Change.Id, StringComparer.Ordinal)
            .Select(change => Unique(change))
            .ToList();
        var ready = await ClaimAsync(changes.SelectMany(c => c).ToList(), cancellationToken);
        var accepted = new System.Collections.Concurrent.ConcurrentQueue<Pending>();
        await Parallel.ForEachAsync(
            changes,
            new ParallelOptions { MaxDegreeOfParallelism = SendConcurrency, CancellationToken = cancellationToken },
            async (change, ct) => await SendChangeAsync(change, ready, accepted, ct));
        await MarkSentAsync(accepted.ToList(), cancellationToken);

        // Each message is completed, retried or dead-lettered on its own outcome: independent requests, made at once.
        foreach (var finished in await Task.WhenAll(deliveries.Select(delivery => FinishAsync(delivery, cancellationToken))))
        {
            summary = summary.Add(finished);
        }

        return summary;
    }

    /// <summary>
    /// The recipients of one change, each alert once: two copies of one message received together (a queue delivers at
    /// least once) carry the same alerts, claimed and sent once, the copies sharing the outcome.
    /// </summary>
    private static List<Pending> Unique(IEnumerable<Pending> recipients) => recipients
        .GroupBy(p => p.Recipient.AlertId, StringComparer.Ordinal)
        .Select(g => g.Skip(1).Any() ? g.First() with { Copies = g.Skip(1).Select(p => p.Delivery).ToList() } : g.First())
        .ToList();

    /// <summary>
    /// Routes each recipient (held for a digest, already done, or to send now), claims those to send now in the sent log,
    /// all together, and checks them against the suppression list. Returns the recipients claimed and not suppressed.
    /// </summary>
    private async Task<HashSet<Pending>> ClaimAsync(IReadOnlyList<Pending> recipients, CancellationToken cancellationToken)
    {
        var toClaim = new System.Collections.Concurrent.ConcurrentQueue<Pending>();
        await Parallel.ForEachAsync(
            recipients,
            new ParallelOptions { MaxDegreeOfParallelism = StorageConcurrency, CancellationToken = cancellationToken },
            async (pending, ct) =>
            {
                switch (await RouteAsync(pending.Alerts.Change, pending.Recipient, ct))
                {
                    case DeliveryRoute.Held:
                        pending.Held();
                        return;
                    case DeliveryRoute.AlreadyDone:
                        pending.AlreadySent();
                        return;
                    case DeliveryRoute.Busy:
                        pending.Failed(EmailSendResult.Transient("The alert could not be held for its digest now."));
                        return;
                    default:
                        toClaim.Enqueue(pending);
                        return;
                }
            });

        var claimable = toClaim.ToList();
        var ready = new HashSet<Pending>(ReferenceEqualityComparer.Instance);
        if (claimable.Count == 0)
        {
            return ready;
        }

        IReadOnlyList<SendClaim> claims;
        try
        {
            claims = await sentLog.TryClaimAsync(
                claimable.Select(p => p.Record).ToList(),
                time.GetUtcNow(),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing was sent: the messages are retried (a claim that was written expires, or is released by the retry's own).
            foreach (var pending in claimable)
            {
                pending.Failed(EmailSendResult.Transient($"The sent log is unreachable: {ex.Message}"));
            }

            return ready;
        }

        var claimed = new List<Pending>(claimable.Count);
        for (var i = 0; i < claimable.Count; i++)
        {
            switch (claims[i])
            {
                case SendClaim.Claimed:
                    claimed.Add(claimable[i]);
                    break;
                case SendClaim.AlreadySent:
                    claimable[i].AlreadySent();
                    break;
                default:
                    // Tried again once that claim could have expired (a dispatcher that crashed holding it), not on the
                    // short backoff: the message is not to be dead-lettered while the claim still stands.
                    claimable[i].Failed(EmailSendResult.Transient("Another dispatcher is sending this alert.", ClaimRetryDelay));
                    break;
            }
        }

        var notSuppressed = new System.Collections.Concurrent.ConcurrentQueue<Pending>();
        await Parallel.ForEachAsync(
            claimed,
            new ParallelOptions { MaxDegreeOfParallelism = StorageConcurrency, CancellationToken = cancellationToken },
            async (pending, ct) =>
            {
                bool suppressed;
                try
                {
                    suppressed = await suppressions.IsSuppressedAsync(pending.Recipient.Email, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await ReleaseAsync([pending], ct);
                    pending.Failed(EmailSendResult.Transient($"The suppression list is unreachable: {ex.Message}"));
                    return;
                }

                if (suppressed)
                {
                    await RefuseAsync(pending, "The address is suppressed (it bounced, reported spam or unsubscribed at the carrier).", ct);
                    return;
                }

                notSuppressed.Enqueue(pending);
            });

        ready.UnionWith(notSuppressed);
        return ready;
    }

    /// <summary>Sends the claimed recipients of one change in batches; those the carrier accepted join <paramref name="accepted"/>.</summary>
    private async Task SendChangeAsync(List<Pending> recipients, HashSet<Pending> ready, System.Collections.Concurrent.ConcurrentQueue<Pending> accepted, CancellationToken cancellationToken)
    {
        var change = recipients[0].Alerts.Change;
        using var activity = AlertsTelemetry.StartDispatch(recipients.Select(p => p.Delivery.Message).Distinct().ToList(), recipients[0].Alerts.Trace, recipients.Count);
        var claimed = recipients.Where(ready.Contains).ToList();

        // The street's context: one history read per change (cached); null when unreadable, and the alerts go without it.
        var context = claimed.Count == 0 ? null : await streetContext.GetAsync(change, cancellationToken);
        if (context is not { Notable.Count: > 0 } && claimed.Exists(p => p.Recipient.NotableOnly == true))
        {
            claimed = await SkipNotNotableAsync(claimed, context is null, cancellationToken);
        }

        var stopped = false;
        foreach (var batch in claimed.Chunk(EmailBatch.MaxRecipients))
        {
            if (stopped)
            {
                // The carrier asked us to slow down or is failing: the rest waits for the message's retry.
                await ReleaseAsync(batch, cancellationToken);
                foreach (var pending in batch)
                {
                    pending.Failed(EmailSendResult.Transient("Not sent: an earlier batch of this change failed for now."));
                }

                continue;
            }

            stopped = !await SendBatchAsync(change, context, batch, accepted, cancellationToken);
        }
    }

    /// <summary>
    /// Marks the accepted recipients sent, all together, then counts them sent on their messages. Once the carrier has
    /// taken the emails, recording it must not fail (see <see cref="UntilRecordedAsync"/>).
    /// </summary>
    private async Task MarkSentAsync(IReadOnlyList<Pending> accepted, CancellationToken cancellationToken)
    {
        if (accepted.Count == 0)
        {
            return;
        }

        var alerts = accepted.Select(p => p.Record).ToList();
        await UntilRecordedAsync(ct => sentLog.MarkSentAsync(alerts, time.GetUtcNow(), ct), $"{alerts.Count} alerts from {alerts[0].AlertId}", cancellationToken);
        foreach (var pending in accepted)
        {
            pending.Sent();
        }
    }

    /// <summary>
    /// Sends one batch. A batch the carrier refuses as a whole (one bad address refuses a SendGrid request) is split in
    /// halves until the refused recipients stand alone. Returns false on a transient failure.
    /// </summary>
    private async Task<bool> SendBatchAsync(Ratings.RatingChange change, StreetContext? context, IReadOnlyList<Pending> batch, System.Collections.Concurrent.ConcurrentQueue<Pending> accepted, CancellationToken cancellationToken)
    {
        EmailSendResult result;
        try
        {
            result = await sender.SendBatchAsync(composer.ComposeBatch(change, batch.Select(p => p.Recipient).ToList(), context), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = EmailSendResult.Transient(ex.Message);
        }

        switch (result.Status)
        {
            case EmailSendStatus.Accepted:
                var acceptedAt = time.GetUtcNow();
                foreach (var pending in batch)
                {
                    AlertsTelemetry.Delivered(change, acceptedAt);
                    accepted.Enqueue(pending);
                }

                return true;
            case EmailSendStatus.Permanent when batch.Count > 1:
                var half = batch.Count / 2;
                return await SendBatchAsync(change, context, batch.Take(half).ToList(), accepted, cancellationToken)
                    && await SendBatchAsync(change, context, batch.Skip(half).ToList(), accepted, cancellationToken);
            case EmailSendStatus.Permanent:
                await RefuseAsync(batch[0], result.Reason ?? "refused", cancellationToken);
                return true;
            default:
                await ReleaseAsync(batch, cancellationToken);
                foreach (var pending in batch)
                {
                    pending.Failed(result);
                }

                return false;
        }
    }

    private async Task RefuseAsync(Pending pending, string reason, CancellationToken cancellationToken)
    {
        await UntilRecordedAsync(ct => sentLog.MarkRefusedAsync([pending.Record], reason, time.GetUtcNow(), ct), pending.Recipient.AlertId, cancellationToken);
        LogRefused(pending.Recipient.AlertId, reason);
        pending.Refused(reason);
    }

    /// <summary>
    /// The subscribers who asked for notable calls only do not get a change with no notable line: each such alert is
    /// recorded in the sent log as done (with the reason, so no retry or copy sends it) and counted as already handled,
    /// not as refused (nothing is wrong with it). A change whose history could not be read cannot be judged: it is
    /// skipped too, rather than sent to someone who asked for fewer emails. Returns the recipients still to send to.
    /// </summary>
    private async Task<List<Pending>> SkipNotNotableAsync(List<Pending> claimed, bool unreadable, CancellationToken cancellationToken)
    {
        var reason = unreadable
            ? "Skipped: the subscriber asked for notable calls only, and the ticker's history could not be read to tell."
            : "Skipped: the subscriber asked for notable calls only, and this change is not one.";
        var skipped = claimed.FindAll(p => p.Recipient.NotableOnly == true);
        await UntilRecordedAsync(ct => sentLog.MarkRefusedAsync(skipped.ConvertAll(p => p.Record), reason, time.GetUtcNow(), ct), skipped[0].Recipient.AlertId, cancellationToken);
        foreach (var pending in skipped)
        {
            LogSkipped(pending.Recipient.AlertId, reason);
            pending.AlreadySent();
        }

        return claimed.FindAll(p => p.Recipient.NotableOnly != true);
    }

    /// <summary>
    /// Where one recipient's alert goes now (see <see cref="DeliveryRouter"/>). A storage failure while holding is a
    /// transient failure of the message, retried like a carrier's.
    /// </summary>
    private async Task<DeliveryRoute> RouteAsync(Ratings.RatingChange change, AlertRecipient recipient, CancellationToken cancellationToken)
    {
        try
        {
            return await router.RouteAsync(change, recipient, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHoldFailed(recipient.AlertId, ex.Message);
            return DeliveryRoute.Busy;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} could not be held for its digest ({Reason}); the message will be retried")]
    private partial void LogHoldFailed(string alertId, string reason);

    /// <summary>Gives claims up after a transient failure, so that the retry can claim them (a claim left behind expires anyway).</summary>
    private async Task ReleaseAsync(IEnumerable<Pending> batch, CancellationToken cancellationToken)
    {
        var alerts = batch.Select(p => p.Record).ToList();
        try
        {
            await sentLog.ReleaseAsync(alerts, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReleaseFailed(alerts[0].AlertId, ex.Message);
        }
    }

    /// <summary>Completes, retries or dead-letters a message on the outcome of its recipients.</summary>
    private async Task<DispatchSummary> FinishAsync(MessageDelivery delivery, CancellationToken cancellationToken)
    {
        var (message, alerts) = (delivery.Message, delivery.Alerts);
        var (sent, already, held, refused, transient) = delivery.Outcome();

        // Every refused recipient is dead-lettered with its reason, never silently dropped: the whole message when it
        // was the only one, else split off into a message of its own that the next drain dead-letters.
        if (transient is null && refused.Count == 1 && alerts.Sum(a => a.Recipients.Count) == 1)
        {
            await queue.DeadLetterAsync(message, refused[0].Reason, cancellationToken);
            LogDeadLettered(message.MessageId, refused[0].Reason);
            return new DispatchSummary(1, sent, already, refused.Count, 0, 1) { Held = held };
        }

        if (refused.Count > 0)
        {
            await queue.EnqueueAsync(
                refused.Select(r => new AlertsMatched(
                    AlertIds.ForMessage([r.Recipient.AlertId]) + "-refused", r.Alerts.Change, [r.Recipient], r.Alerts.MatchedAt, r.Reason)).ToList(),
                cancellationToken);
        }

        if (transient is null)
        {
            await queue.CompleteAsync(message, cancellationToken);
            return new DispatchSummary(1, sent, already, refused.Count, 0, 0) { Held = held };
        }

        if (message.DeliveryCount >= options.Value.MaxDeliveryCount)
        {
            var reason = $"Gave up after {message.DeliveryCount} attempts: {transient.Reason}";
            await queue.DeadLetterAsync(message, reason, cancellationToken);
            LogDeadLettered(message.MessageId, reason);
            return new DispatchSummary(1, sent, already, refused.Count, 0, 1) { Held = held };
        }

        var delay = transient.RetryAfter ?? Backoff(message.DeliveryCount);
        await queue.RetryLaterAsync(message, delay, cancellationToken);
        await wakeUp.WakeAsync(delay + WakeUpMargin, cancellationToken);
        LogRetrying(message.MessageId, message.DeliveryCount, delay, transient.Reason);
        return new DispatchSummary(1, sent, already, refused.Count, 1, 0) { Held = held };
    }

    /// <summary>
    /// One recipient of a change a received message carries (<paramref name="Alerts"/>), on its way (and the other received
    /// messages carrying the same alert).
    /// </summary>
    private sealed record Pending(MessageDelivery Delivery, AlertsMatched Alerts, AlertRecipient Recipient)
    {
        public IReadOnlyList<MessageDelivery> Copies { get; init; } = [];

        /// <summary>How the sent log knows it: the alert of one change to one subscriber.</summary>
        public SentAlert Record => new(Recipient.AlertId, Recipient.SubscriptionId, Redelivered) { ChangeId = Alerts.Change.Id };

        /// <summary>A message carrying it was delivered before (the sent log then also honours rows of its earlier layout).</summary>
        public bool Redelivered => Delivery.Message.DeliveryCount > 1 || Copies.Any(c => c.Message.DeliveryCount > 1);

        public void Sent()
        {
            Delivery.Sent();
            ForCopies(copy => copy.AlreadySent());
        }

        public void AlreadySent()
        {
            Delivery.AlreadySent();
            ForCopies(copy => copy.AlreadySent());
        }

        public void Held()
        {
            Delivery.Held();
            ForCopies(copy => copy.AlreadySent());
        }

        public void Refused(string reason)
        {
            Delivery.Refused(Alerts, Recipient, reason);
            ForCopies(copy => copy.AlreadySent());
        }

        public void Failed(EmailSendResult result)
        {
            Delivery.Failed(result);
            ForCopies(copy => copy.Failed(result));
        }

        private void ForCopies(Action<MessageDelivery> action)
        {
            foreach (var copy in Copies)
            {
                action(copy);
            }
        }
    }

    /// <summary>What happened to the recipients of one received message (updated from concurrent sends).</summary>
    private sealed class MessageDelivery(ReceivedAlerts message, IReadOnlyList<AlertsMatched> alerts)
    {
        private readonly Lock _gate = new();
        private readonly List<(AlertsMatched Alerts, AlertRecipient Recipient, string Reason)> _refused = [];
        private int _sent;
        private int _already;
        private int _held;
        private EmailSendResult? _transient;

        public ReceivedAlerts Message { get; } = message;

        /// <summary>What the message carries: one or more changes, each with its recipients.</summary>
        public IReadOnlyList<AlertsMatched> Alerts { get; } = alerts;

        public void Sent() => Interlocked.Increment(ref _sent);

        public void AlreadySent() => Interlocked.Increment(ref _already);

        public void Held() => Interlocked.Increment(ref _held);

        public void Refused(AlertsMatched alerts, AlertRecipient recipient, string reason)
        {
            lock (_gate)
            {
                _refused.Add((alerts, recipient, reason));
            }
        }

        /// <summary>A transient failure: the message is retried (the first failure's reason and Retry-After are kept).</summary>
        public void Failed(EmailSendResult result)
        {
            lock (_gate)
            {
                _transient ??= result;
            }
        }

        public (int Sent, int AlreadySent, int Held, IReadOnlyList<(AlertsMatched Alerts, AlertRecipient Recipient, string Reason)> Refused, EmailSendResult? Transient) Outcome()
        {
            lock (_gate)
            {
                return (_sent, _already, _held, _refused.ToList(), _transient);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} not sent: {Reason}")]
    private partial void LogSkipped(string alertId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the claims of alerts from {AlertId} ({Reason}); they expire by themselves")]
    private partial void LogReleaseFailed(string alertId, string reason);

    /// <summary>
    /// Once the carrier has taken an email, recording it must not fail: if it did, the claim would expire and the alert be
    /// sent again. So while storage is away the record is retried here (this dispatcher holds the message meanwhile,
    /// and nothing else in the process handles it), for up to <see cref="RecordPatience"/>.
    /// </summary>
    private async Task UntilRecordedAsync(Func<CancellationToken, Task> record, string what, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await record(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && time.GetElapsedTime(started) < RecordPatience)
            {
                LogRecordRetry(what, ex.Message);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    /// <summary>How long the outcome of an email that left is retried while storage is unreachable.</summary>
    public static readonly TimeSpan RecordPatience = TimeSpan.FromMinutes(10);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Alerts} left, but recording it failed ({Reason}); retrying")]
    private partial void LogRecordRetry(string alerts, string reason);

    /// <summary>
    /// How long a message waits when one of its alerts is claimed by another dispatcher: the claim's timeout, after which a
    /// claim left by a crash is taken over (one that was sent is then found sent).
    /// </summary>
    private TimeSpan ClaimRetryDelay => TimeSpan.FromSeconds(options.Value.ClaimTimeoutSeconds);

    /// <summary>Exponential backoff: 2 s, 4 s, 8 s, ... at most 5 minutes.</summary>
    public static TimeSpan Backoff(int deliveryCount) =>
        TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Clamp(deliveryCount, 1, 16))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} refused by the email carrier for good: {Reason}")]
    private partial void LogRefused(string alertId, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} (attempt {DeliveryCount}) will be retried in {Delay}: {Reason}")]
    private partial void LogRetrying(string messageId, int deliveryCount, TimeSpan delay, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} dead-lettered: {Reason}")]
    private partial void LogDeadLettered(string messageId, string reason);
}

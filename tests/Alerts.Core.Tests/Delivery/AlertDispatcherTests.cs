using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Delivery;

public class AlertDispatcherTests
{
    private const int MaxDeliveryCount = 5;

    private readonly FakeTimeProvider _time = new(TestChanges.Now.AddSeconds(30));
    private readonly InMemoryAlertQueue _queue = new();
    private readonly ScriptedEmailSender _sender = new();
    private readonly InMemorySentAlertLog _sentLog = new();
    private readonly InMemorySuppressionList _suppressions = new();
    private readonly InMemoryRatingHistory _history = new();
    private readonly InMemoryHeldAlertStore _held = new();
    private readonly RecordingWakeUps _wakeUps = new();

    private StreetContextReader StreetContext(TimeProvider time) => new(_history, time, NullLogger<StreetContextReader>.Instance);

    private AlertDispatcher Dispatcher(int receiveBatchSize = 16) => new(
        _queue,
        _sender,
        _sentLog,
        _suppressions,
        new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email()),
        StreetContext(_time),
        new DeliveryRouter(_held, _held, _sentLog, _time),
        _wakeUps,
        Options.Create(new DeliveryOptions { MaxDeliveryCount = MaxDeliveryCount, ReceiveBatchSize = receiveBatchSize }),
        _time,
        NullLogger<AlertDispatcher>.Instance);

    private static AlertRecipient Recipient(int i) =>
        new(AlertIds.For("change-cifr-1", $"sub-{i}"), $"sub-{i}", $"user{i}@example.com");

    private static ReceivedAlerts Message(int deliveryCount = 1, int recipients = 2, string messageId = "msg-1")
    {
        var list = Enumerable.Range(0, recipients).Select(Recipient).ToList();
        return new ReceivedAlerts(messageId, [new AlertsMatched(messageId, TestChanges.CifrUpgrade(), list, TestChanges.Now)], deliveryCount, new object());
    }

    /// <summary>One message carrying two changes' alerts (as the queue packs changes followed by a few people).</summary>
    private static ReceivedAlerts TwoChanges(int deliveryCount = 1)
    {
        AlertsMatched Part(RatingChange change) => new(
            "part-" + change.Id,
            change,
            Enumerable.Range(0, 2).Select(i => new AlertRecipient(AlertIds.For(change.Id, $"sub-{i}"), $"sub-{i}", $"{change.Ticker.ToLowerInvariant()}{i}@example.com")).ToList(),
            TestChanges.Now);
        var cifr = TestChanges.CifrUpgrade();
        var nvda = TestChanges.CifrUpgrade() with { Id = "change-nvda-1", Ticker = "NVDA" };
        return new ReceivedAlerts("msg-packed", [Part(cifr), Part(nvda)], deliveryCount, new object());
    }

    [Fact]
    public async Task HandleAsync_AlertClaimedByAnotherDispatcher_RetriesOnceTheClaimCouldHaveExpired_NotOnTheShortBackoff()
    {
        // Another dispatcher (or one that crashed) holds a claim on one of the alerts: the message comes back after the
        // claim's timeout, so that it is not dead-lettered (5 attempts on the short backoff take 30 s) while the claim
        // still stands; the other recipient is sent now.
        _sentLog.Claims[Recipient(0).AlertId] = _time.GetUtcNow();

        var summary = await Dispatcher().HandleAsync(Message(), CancellationToken.None);

        Assert.Equal(1, summary.Retried);
        Assert.Equal(["user1@example.com"], _sender.Sent.Select(m => m.To));
        var (_, delay) = Assert.Single(_queue.Retried);
        Assert.Equal(TimeSpan.FromSeconds(new DeliveryOptions().ClaimTimeoutSeconds), delay);
    }

    [Fact]
    public async Task HandleAsync_MessageCarryingTwoChanges_SendsEachChangeItsOwnRequestAndCompletesTheMessageOnce()
    {
        var summary = await Dispatcher().HandleAsync(TwoChanges(), CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 4, 0, 0, 0, 0), summary);
        Assert.Equal(2, _sender.Batches.Count);
        Assert.Equal(["cifr0@example.com", "cifr1@example.com", "nvda0@example.com", "nvda1@example.com"], _sender.Sent.Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.Contains(_sender.Sent, m => m.To == "nvda0@example.com" && m.Subject.Contains("NVDA", StringComparison.Ordinal));
        Assert.Single(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_OneOfTwoChangesFailsForNow_TheMessageIsRetried_AndTheRetrySendsOnlyWhatIsLeft()
    {
        _sender.Answer("nvda0@example.com", EmailSendResult.Transient("503 Service Unavailable"));

        var first = await Dispatcher().HandleAsync(TwoChanges(), CancellationToken.None);
        var again = await Dispatcher().HandleAsync(TwoChanges(deliveryCount: 2), CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 2, 0, 0, 1, 0), first);
        Assert.Single(_queue.Retried);
        Assert.Equal(new DispatchSummary(1, 2, 2, 0, 0, 0), again);
        // Three carrier requests: CIFR's once (accepted, not sent again), NVDA's twice (failed for now, then accepted).
        Assert.Equal(["CIFR", "NVDA", "NVDA"], _sender.Batches.Select(b => b.Recipients[0].To.StartsWith("cifr", StringComparison.Ordinal) ? "CIFR" : "NVDA").Order(StringComparer.Ordinal));
        Assert.Equal(1, _sender.Sent.Count(m => m.To == "cifr0@example.com"));
        Assert.True(_sentLog.Records.ContainsKey(AlertIds.For("change-nvda-1", "sub-0")));
        Assert.Single(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_RefusedRecipientOfAMessageCarryingTwoChanges_IsSplitOffWithItsOwnChange()
    {
        _sender.Answer("nvda1@example.com", EmailSendResult.Permanent("550 mailbox does not exist"));

        await Dispatcher().HandleAsync(TwoChanges(), CancellationToken.None);

        var split = Assert.Single(_queue.Enqueued);
        Assert.Equal("550 mailbox does not exist", split.DeadLetterReason);
        Assert.Equal("NVDA", split.Change.Ticker);
        Assert.Equal(AlertIds.For("change-nvda-1", "sub-1"), Assert.Single(split.Recipients).AlertId);
        Assert.Single(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_SuppressedRecipient_IsNotEmailedAndTheOthersAre()
    {
        var message = Message(recipients: 2);
        await _suppressions.SuppressAsync("user0@example.com", "bounce", TestChanges.Now, CancellationToken.None);

        var summary = await Dispatcher().HandleAsync(message, CancellationToken.None);

        Assert.Equal(1, summary.Sent);
        Assert.Equal(1, summary.Refused);
        Assert.DoesNotContain(_sender.Sent, m => m.To == "user0@example.com");
        Assert.Contains(_sender.Sent, m => m.To == "user1@example.com");
        Assert.Single(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_AllAccepted_CompletesAndRecordsEachRecipient()
    {
        var message = Message();

        var summary = await Dispatcher().HandleAsync(message, CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 2, 0, 0, 0, 0), summary);
        Assert.Same(message, Assert.Single(_queue.Completed));
        Assert.Empty(_queue.Retried);
        Assert.Empty(_queue.DeadLettered);
        // Each recipient once; the order in which the sender is handed them is not promised (sends may run concurrently).
        Assert.Equal(["user0@example.com", "user1@example.com"], _sender.Sent.Select(e => e.To).Order(StringComparer.Ordinal));
        Assert.All(_sender.Sent, e => Assert.Equal("JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -> $18", e.Subject));
        Assert.Equal(("sub-0", _time.GetUtcNow()), _sentLog.Records[Recipient(0).AlertId]);
        Assert.Equal(("sub-1", _time.GetUtcNow()), _sentLog.Records[Recipient(1).AlertId]);
    }

    [Fact]
    public async Task HandleAsync_StoredHistory_EveryEmailShowsTheStreetsContext()
    {
        _history.Add(TestChanges.CifrUpgrade() with { Id = "earlier", Firm = "UBS", Action = RatingAction.Downgrade, ToRating = "Sell", ToLevel = RatingLevel.Sell, PublishedAt = TestChanges.Now.AddDays(-3) });

        await Dispatcher().HandleAsync(Message(recipients: 2), CancellationToken.None);

        Assert.Equal(2, _sender.Sent.Count);
        Assert.All(_sender.Sent, e =>
        {
            Assert.Contains("The street on CIFR", e.TextBody, StringComparison.Ordinal);
            Assert.Contains("29 Nov · UBS · downgrade", e.TextBody, StringComparison.Ordinal);
            Assert.Contains(">UBS</td>", e.HtmlBody, StringComparison.Ordinal);
        });
        Assert.Equal(1, _history.WindowReads);
    }

    [Fact]
    public async Task DrainAsync_ManyMessagesOfOneChange_ReadHistoryOnce()
    {
        _queue.Pending.Enqueue(Message(messageId: "m1"));
        _queue.Pending.Enqueue(Message(messageId: "m2"));
        _queue.Pending.Enqueue(Message(messageId: "m3"));

        var summary = await Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(3, summary.Messages);
        Assert.Equal(1, _history.WindowReads);
    }

    [Fact]
    public async Task HandleAsync_HistoryUnreadable_AlertGoesOutWithoutContext()
    {
        _history.Failure = new IOException("storage is down");

        var summary = await Dispatcher().HandleAsync(Message(recipients: 1), CancellationToken.None);

        Assert.Equal(1, summary.Sent);
        Assert.Single(_queue.Completed);
        Assert.DoesNotContain("The street on", Assert.Single(_sender.Sent).TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_RecipientAlreadySent_IsSkipped()
    {
        _sentLog.Records[Recipient(0).AlertId] = ("sub-0", TestChanges.Now);

        var summary = await Dispatcher().HandleAsync(Message(), CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 1, 1, 0, 0, 0), summary);
        Assert.Equal("user1@example.com", Assert.Single(_sender.Sent).To);
        Assert.Single(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_TransientFailure_RetriesLaterWithBackoffAndDoesNotComplete()
    {
        _sender.Answer("user1@example.com", EmailSendResult.Transient("503 Service Unavailable"));

        var summary = await Dispatcher().HandleAsync(Message(deliveryCount: 3, recipients: 3), CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 0, 0, 0, 1, 0), summary);
        Assert.Empty(_queue.Completed);
        Assert.Empty(_queue.DeadLettered);
        var (_, delay) = Assert.Single(_queue.Retried);
        Assert.Equal(TimeSpan.FromSeconds(8), delay);

        // The three went in one carrier request, which failed for now: nobody is recorded, every claim is given up.
        var batch = Assert.Single(_sender.Batches);
        Assert.Equal(["user0@example.com", "user1@example.com", "user2@example.com"], batch.Recipients.Select(r => r.To));
        Assert.Empty(_sentLog.Records);
    }

    [Fact]
    public async Task HandleAsync_TransientFailureWithRetryAfter_UsesRetryAfter()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Transient("429 Too Many Requests", TimeSpan.FromSeconds(42)));

        await Dispatcher().HandleAsync(Message(deliveryCount: 1), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(42), Assert.Single(_queue.Retried).Delay);
    }

    [Fact]
    public async Task HandleAsync_TransientFailure_WakesTheDispatcherOnceTheRetriedMessageIsVisibleAgain()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Transient("429 Too Many Requests", TimeSpan.FromSeconds(42)));

        await Dispatcher().HandleAsync(Message(deliveryCount: 1), CancellationToken.None);

        var delay = Assert.Single(_wakeUps.Delays);
        Assert.True(delay > Assert.Single(_queue.Retried).Delay, $"the wake-up ({delay}) must come after the message is visible again");
        Assert.True(delay <= TimeSpan.FromSeconds(45), $"the wake-up ({delay}) must not wait long after it");
    }

    [Fact]
    public async Task HandleAsync_AllAccepted_SendsNoWakeUp()
    {
        await Dispatcher().HandleAsync(Message(recipients: 3), CancellationToken.None);

        Assert.Empty(_wakeUps.Delays);
    }

    /// <summary>Records the wake-ups asked for with a delay (the retry's).</summary>
    private sealed class RecordingWakeUps : IDispatchWakeUp
    {
        public System.Collections.Concurrent.ConcurrentQueue<TimeSpan> Delays { get; } = new();

        public Task WakeAsync(CancellationToken cancellationToken) => WakeAsync(TimeSpan.Zero, cancellationToken);

        public Task WakeAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            Delays.Enqueue(delay);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task HandleAsync_SenderThrows_IsTreatedAsTransient()
    {
        _sender.Throw("user0@example.com", new HttpRequestException("connection reset"));

        var summary = await Dispatcher().HandleAsync(Message(deliveryCount: 1), CancellationToken.None);

        Assert.Equal(1, summary.Retried);
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.Single(_queue.Retried).Delay);
        Assert.Empty(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_SenderCancelled_Throws()
    {
        _sender.Throw("user0@example.com", new OperationCanceledException());

        await Assert.ThrowsAsync<OperationCanceledException>(() => Dispatcher().HandleAsync(Message(), CancellationToken.None));
        Assert.Empty(_queue.Completed);
        Assert.Empty(_queue.DeadLettered);
    }

    [Fact]
    public async Task HandleAsync_RedeliveryAfterTransientFailure_EmailsNobodyTwice()
    {
        _sender.Answer("user1@example.com", EmailSendResult.Transient("timeout"));
        var dispatcher = Dispatcher();

        await dispatcher.HandleAsync(Message(deliveryCount: 1, recipients: 3), CancellationToken.None);
        var retried = await dispatcher.HandleAsync(Message(deliveryCount: 2, recipients: 3), CancellationToken.None);
        var redelivered = await dispatcher.HandleAsync(Message(deliveryCount: 3, recipients: 3), CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 3, 0, 0, 0, 0), retried);
        Assert.Equal(new DispatchSummary(1, 0, 3, 0, 0, 0), redelivered);
        Assert.Equal(2, _sender.Batches.Count); // the failed request, then the one that went: the third delivery sent nothing
        Assert.Equal(2, _queue.Completed.Count);
        Assert.Equal(3, _sentLog.Records.Count);
    }

    [Fact]
    public async Task HandleAsync_TransientAtMaxDeliveryCount_DeadLettersWithReason()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Transient("SendGrid 503"));
        var message = Message(deliveryCount: MaxDeliveryCount);

        var summary = await Dispatcher().HandleAsync(message, CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 0, 0, 0, 0, 1), summary);
        var (deadLettered, reason) = Assert.Single(_queue.DeadLettered);
        Assert.Same(message, deadLettered);
        Assert.Contains($"{MaxDeliveryCount} attempts", reason, StringComparison.Ordinal);
        Assert.Contains("SendGrid 503", reason, StringComparison.Ordinal);
        Assert.Empty(_queue.Retried);
        Assert.Empty(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_TransientOneBelowMaxDeliveryCount_StillRetries()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Transient("SendGrid 503"));

        await Dispatcher().HandleAsync(Message(deliveryCount: MaxDeliveryCount - 1), CancellationToken.None);

        Assert.Single(_queue.Retried);
        Assert.Empty(_queue.DeadLettered);
    }

    [Fact]
    public async Task HandleAsync_PermanentFailure_CountsRefusedAndStillCompletes()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Permanent("550 mailbox does not exist"));

        var summary = await Dispatcher().HandleAsync(Message(), CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 1, 0, 1, 0, 0), summary);
        Assert.Single(_queue.Completed);
        Assert.Empty(_queue.Retried);
        Assert.Empty(_queue.DeadLettered);
        Assert.False(_sentLog.Records.ContainsKey(Recipient(0).AlertId));
        Assert.True(_sentLog.Records.ContainsKey(Recipient(1).AlertId));
    }

    [Fact]
    public async Task HandleAsync_PermanentFailureOfOneOfMany_SplitsItOffToBeDeadLetteredWithItsReason()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Permanent("550 mailbox does not exist"));

        await Dispatcher().HandleAsync(Message(recipients: 2), CancellationToken.None);

        var split = Assert.Single(_queue.Enqueued);
        Assert.Equal("550 mailbox does not exist", split.DeadLetterReason);
        Assert.Equal(Recipient(0).AlertId, Assert.Single(split.Recipients).AlertId);
        Assert.Equal("550 mailbox does not exist", _sentLog.Refused[Recipient(0).AlertId]);

        var summary = await Dispatcher().HandleAsync(new ReceivedAlerts(split.MessageId, [split], 1, new object()), CancellationToken.None);

        Assert.Equal(1, summary.DeadLettered);
        Assert.Equal("550 mailbox does not exist", Assert.Single(_queue.DeadLettered).Reason);

        // Tried in the batch of two (refused whole, as SendGrid refuses a request), then alone to find it; never again.
        Assert.Equal(2, _sender.Sent.Count(m => m.To == "user0@example.com"));
        Assert.Equal(["user0@example.com", "user1@example.com"], _sender.Batches[0].Recipients.Select(r => r.To));
        Assert.True(_sentLog.Records.ContainsKey(Recipient(1).AlertId));
    }

    [Fact]
    public async Task HandleAsync_PermanentFailureOfTheOnlyRecipient_DeadLettersTheMessageWithTheReason()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Permanent("550 mailbox does not exist"));

        var summary = await Dispatcher().HandleAsync(Message(recipients: 1), CancellationToken.None);

        Assert.Equal(1, summary.DeadLettered);
        Assert.Equal("550 mailbox does not exist", Assert.Single(_queue.DeadLettered).Reason);
        Assert.Empty(_queue.Completed);
        Assert.Empty(_queue.Enqueued);
    }

    [Fact]
    public async Task HandleAsync_AlertClaimedByAnotherDispatcher_IsNotSentAndTheMessageIsRetried()
    {
        await _sentLog.TryClaimAsync(Recipient(0).AlertId, "sub-0", _time.GetUtcNow(), CancellationToken.None);

        var summary = await Dispatcher().HandleAsync(Message(recipients: 1), CancellationToken.None);

        Assert.Equal(1, summary.Retried);
        Assert.Empty(_sender.Sent);
        Assert.Empty(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_StaleClaimLeftByACrash_IsTakenOverAndSent()
    {
        await _sentLog.TryClaimAsync(Recipient(0).AlertId, "sub-0", _time.GetUtcNow(), CancellationToken.None);
        _time.Advance(_sentLog.ClaimTimeout + TimeSpan.FromSeconds(1));

        var summary = await Dispatcher().HandleAsync(Message(recipients: 1), CancellationToken.None);

        Assert.Equal(1, summary.Sent);
        Assert.Single(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_TransientFailure_ReleasesTheClaimForTheRetry()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Transient("503"));

        await Dispatcher().HandleAsync(Message(recipients: 1), CancellationToken.None);

        Assert.Empty(_sentLog.Claims);
        Assert.Equal(SendClaim.Claimed, await _sentLog.TryClaimAsync(Recipient(0).AlertId, "sub-0", _time.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task HandleAsync_RecordingTheSendFailsForAWhile_IsRetriedSoTheAlertIsNeverSentTwice()
    {
        var flaky = new FlakyMarks(_sentLog, failures: 2);
        var dispatcher = new AlertDispatcher(
            _queue, _sender, flaky, _suppressions,
            new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email()),
            StreetContext(TimeProvider.System),
            new DeliveryRouter(_held, _held, flaky, _time),
            new DispatchSignal(),
            Options.Create(new DeliveryOptions { MaxDeliveryCount = MaxDeliveryCount }),
            TimeProvider.System, // the retry waits for real (under a second here)
            NullLogger<AlertDispatcher>.Instance);

        var summary = await dispatcher.HandleAsync(Message(recipients: 1), CancellationToken.None);

        Assert.Equal(1, summary.Sent);
        Assert.Equal(3, flaky.Attempts);
        Assert.True(_sentLog.Records.ContainsKey(Recipient(0).AlertId));
        Assert.Single(_sender.Sent);
        Assert.Single(_queue.Completed);
    }

    /// <summary>A sent log whose first marks fail, as when storage goes away right after the email left.</summary>
    private sealed class FlakyMarks(InMemorySentAlertLog inner, int failures) : ISentAlertLog
    {
        public int Attempts { get; private set; }

        public Task<SendClaim> TryClaimAsync(string alertId, string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.TryClaimAsync(alertId, subscriptionId, now, cancellationToken);

        public Task MarkHeldAsync(string alertId, string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.MarkHeldAsync(alertId, subscriptionId, at, cancellationToken);

        public Task MarkSentAsync(string alertId, string subscriptionId, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
            ++Attempts <= failures ? throw new IOException("storage is down") : inner.MarkSentAsync(alertId, subscriptionId, sentAt, cancellationToken);

        public Task MarkRefusedAsync(string alertId, string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.MarkRefusedAsync(alertId, subscriptionId, reason, at, cancellationToken);

        public Task ReleaseAsync(string alertId, CancellationToken cancellationToken) => inner.ReleaseAsync(alertId, cancellationToken);

        public Task<IReadOnlyList<SendClaim>> TryClaimAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.TryClaimAsync(alerts, now, cancellationToken);

        public async Task MarkSentAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset sentAt, CancellationToken cancellationToken)
        {
            foreach (var alert in alerts)
            {
                await MarkSentAsync(alert.AlertId, alert.SubscriptionId, sentAt, cancellationToken);
            }
        }

        public Task MarkRefusedAsync(IReadOnlyList<SentAlert> alerts, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.MarkRefusedAsync(alerts, reason, at, cancellationToken);

        public Task ReleaseAsync(IReadOnlyList<SentAlert> alerts, CancellationToken cancellationToken) => inner.ReleaseAsync(alerts, cancellationToken);

        public Task<IReadOnlySet<string>> WhoWasSentAsync(string changeId, IReadOnlyList<string> subscriptionIds, CancellationToken cancellationToken) =>
            inner.WhoWasSentAsync(changeId, subscriptionIds, cancellationToken);
    }

    [Fact]
    public async Task HandleAsync_UnreadableBody_IsDeadLettered()
    {
        var message = new ReceivedAlerts("msg-garbage", null, 1, new object());

        var summary = await Dispatcher().HandleAsync(message, CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 0, 0, 0, 0, 1), summary);
        var (deadLettered, reason) = Assert.Single(_queue.DeadLettered);
        Assert.Same(message, deadLettered);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.Empty(_queue.Completed);
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task HandleAsync_Email_CarriesUnsubscribeHeadersAndAlertReference()
    {
        await Dispatcher().HandleAsync(Message(recipients: 1), CancellationToken.None);

        var email = Assert.Single(_sender.Sent);
        Assert.Equal(Recipient(0).AlertId, email.Reference);
        Assert.Equal("List-Unsubscribe=One-Click", email.Headers["List-Unsubscribe-Post"]);
        Assert.Contains("/sub-0/unsubscribe?token=", email.Headers["List-Unsubscribe"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(8, 256)]
    [InlineData(9, 300)]
    [InlineData(1000, 300)]
    public void Backoff_DeliveryCount_DoublesUpToFiveMinutes(int deliveryCount, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), AlertDispatcher.Backoff(deliveryCount));

    [Fact]
    public async Task HandleAsync_MessagesOfSeveralChanges_ClaimAndMarkTheirRecipientsTogether()
    {
        var messages = Enumerable.Range(0, 3).Select(c =>
        {
            var change = TestChanges.CifrUpgrade() with { Id = $"change-{c}" };
            var recipients = Enumerable.Range(0, 2).Select(i => new AlertRecipient(AlertIds.For(change.Id, $"sub-{i}"), $"sub-{i}", $"user{i}@example.com")).ToList();
            return new ReceivedAlerts($"msg-{c}", [new AlertsMatched($"msg-{c}", change, recipients, TestChanges.Now)], DeliveryCount: c == 2 ? 2 : 1, new object());
        }).ToList();

        var summary = await Dispatcher().HandleAsync(messages, CancellationToken.None);

        Assert.Equal(6, summary.Sent);
        Assert.Equal([6], _sentLog.ClaimBatches);
        Assert.Equal([6], _sentLog.MarkBatches);
        Assert.Equal(3, _sender.Batches.Count); // one request per change
        Assert.Equal(6, _sentLog.Records.Count);
        // Only the alerts of the message delivered before may have been claimed under the sent log's earlier layout.
        Assert.Equal(2, _sentLog.ClaimedAsRedelivered.Count(c => c.Value));
        Assert.All(messages[2].Alerts![0].Recipients, r => Assert.True(_sentLog.ClaimedAsRedelivered[r.AlertId]));
    }

    [Fact]
    public async Task DrainAsync_QueuedMessages_HandlesAllUntilEmpty()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Transient("busy"));
        for (var i = 0; i < 5; i++)
        {
            _queue.Pending.Enqueue(Message(messageId: $"msg-{i}", recipients: 1));
        }

        _queue.Pending.Enqueue(new ReceivedAlerts("msg-bad", null, 1, new object()));

        var summary = await Dispatcher(receiveBatchSize: 2).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        // Received two by two; the two copies of one alert in a receive are sent once and share the outcome.
        Assert.Equal(6, summary.Messages);
        Assert.Equal(2, summary.Retried);     // msg-0 and msg-1: the one send of their alert failed for now
        Assert.Equal(1, summary.DeadLettered); // msg-bad
        Assert.Equal(1, summary.Sent);         // msg-2: sent once,
        Assert.Equal(2, summary.AlreadySent);  // msg-3 (its copy) and msg-4 skipped
        Assert.Equal([2, 2, 2, 2], _queue.ReceiveRequests);
        Assert.Empty(_queue.Pending);
        Assert.Equal(2, _sender.Batches.Count); // the failed send and the one that went
        Assert.True(_sentLog.Records.ContainsKey(Recipient(0).AlertId));
    }

    [Fact]
    public async Task DrainAsync_EmptyQueue_ReturnsEmptySummary()
    {
        var summary = await Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(DispatchSummary.Empty, summary);
        Assert.Single(_queue.ReceiveRequests);
    }

    [Fact]
    public async Task DrainAsync_NoBudget_ReceivesNothing()
    {
        _queue.Pending.Enqueue(Message());

        var summary = await Dispatcher().DrainAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(DispatchSummary.Empty, summary);
        Assert.Empty(_queue.ReceiveRequests);
        Assert.Single(_queue.Pending);
    }

    [Fact]
    public async Task DrainAsync_Cancelled_ReceivesNothing()
    {
        _queue.Pending.Enqueue(Message());

        var summary = await Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), new CancellationToken(canceled: true));

        Assert.Equal(DispatchSummary.Empty, summary);
        Assert.Empty(_queue.ReceiveRequests);
    }

    [Fact]
    public async Task HandleAsync_ManyRecipientsOfOneChange_GoOutInCarrierBatchesOfAtMostAThousand()
    {
        var message = Message(recipients: 2_500);

        var summary = await Dispatcher().HandleAsync(message, CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 2_500, 0, 0, 0, 0), summary);
        Assert.Equal([1_000, 1_000, 500], _sender.Batches.Select(b => b.Recipients.Count));
        Assert.Equal(2_500, _sender.Sent.Select(m => m.To).Distinct().Count());
        Assert.Equal(2_500, _sentLog.Records.Count);
        Assert.Single(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_MessagesOfOneChangeReceivedTogether_ArePooledIntoFullBatches()
    {
        // Ten Storage-queue-sized messages (250 recipients each) of one change: 2,500 recipients, 3 carrier requests.
        var messages = Enumerable.Range(0, 10).Select(m =>
        {
            var recipients = Enumerable.Range(m * 250, 250).Select(Recipient).ToList();
            return new ReceivedAlerts($"msg-{m}", [new AlertsMatched($"msg-{m}", TestChanges.CifrUpgrade(), recipients, TestChanges.Now)], 1, new object());
        }).ToList();

        var summary = await Dispatcher().HandleAsync(messages, CancellationToken.None);

        Assert.Equal(new DispatchSummary(10, 2_500, 0, 0, 0, 0), summary);
        Assert.Equal(3, _sender.Batches.Count);
        Assert.Equal(10, _queue.Completed.Count);
    }

    [Fact]
    public void ComposedBatch_GivesEachRecipientItsOwnLinksAndHeader()
    {
        var composer = new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email());

        var batch = composer.ComposeBatch(TestChanges.CifrUpgrade(), [Recipient(0), Recipient(1)]);

        var (first, second) = (batch.Expand(0), batch.Expand(1));
        Assert.Equal(["user0@example.com", "user1@example.com"], [first.To, second.To]);
        Assert.Equal([Recipient(0).AlertId, Recipient(1).AlertId], [first.Reference, second.Reference]);
        Assert.NotEqual(first.Headers["List-Unsubscribe"], second.Headers["List-Unsubscribe"]);
        Assert.Contains("/sub-0/unsubscribe?token=", first.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.Contains("/sub-1/manage?token=", second.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("/sub-0/", second.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("%%", first.HtmlBody + first.TextBody + first.Subject, StringComparison.Ordinal);
        Assert.Equal(composer.Compose(TestChanges.CifrUpgrade(), Recipient(1)).TextBody, second.TextBody);
    }

    [Fact]
    public async Task HandleAsync_OneBadAddressInABatch_IsFoundBySplittingAndTheOthersAreSent()
    {
        _sender.Answer("user5@example.com", EmailSendResult.Permanent("400 invalid email address"));

        var summary = await Dispatcher().HandleAsync(Message(recipients: 8), CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 7, 0, 1, 0, 0), summary);
        Assert.Equal("400 invalid email address", _sentLog.Refused[Recipient(5).AlertId]);
        Assert.Equal(Recipient(5).AlertId, Assert.Single(Assert.Single(_queue.Enqueued).Recipients).AlertId);

        // 8 -> 4 + 4 -> 2 + 2 -> 1 + 1: halving finds it in 7 requests, not 8 single sends after the first.
        Assert.Equal(7, _sender.Batches.Count);
        Assert.Equal(7, _sentLog.Records.Count(r => !_sentLog.Refused.ContainsKey(r.Key)));
    }

    [Fact]
    public void DispatchSummary_Add_SumsEachCount() =>
        Assert.Equal(new DispatchSummary(11, 22, 33, 44, 55, 66), new DispatchSummary(1, 2, 3, 4, 5, 6).Add(new DispatchSummary(10, 20, 30, 40, 50, 60)));
}

using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
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
    private readonly InMemoryHeldAlertStore _held = new();

    private AlertDispatcher Dispatcher(int receiveBatchSize = 16) => new(
        _queue,
        _sender,
        _sentLog,
        _suppressions,
        new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email()),
        new DeliveryRouter(_held, _held, _sentLog, _time),
        Options.Create(new DeliveryOptions { MaxDeliveryCount = MaxDeliveryCount, ReceiveBatchSize = receiveBatchSize }),
        _time,
        NullLogger<AlertDispatcher>.Instance);

    private static AlertRecipient Recipient(int i) =>
        new(AlertIds.For("change-cifr-1", $"sub-{i}"), $"sub-{i}", $"user{i}@example.com");

    private static ReceivedAlerts Message(int deliveryCount = 1, int recipients = 2, string messageId = "msg-1")
    {
        var list = Enumerable.Range(0, recipients).Select(Recipient).ToList();
        return new ReceivedAlerts(messageId, new AlertsMatched(messageId, TestChanges.CifrUpgrade(), list, TestChanges.Now), deliveryCount, new object());
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
        Assert.Equal(["user0@example.com", "user1@example.com"], _sender.Sent.Select(e => e.To));
        Assert.All(_sender.Sent, e => Assert.Equal("JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -> $18", e.Subject));
        Assert.Equal(("sub-0", _time.GetUtcNow()), _sentLog.Records[Recipient(0).AlertId]);
        Assert.Equal(("sub-1", _time.GetUtcNow()), _sentLog.Records[Recipient(1).AlertId]);
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

        Assert.Equal(new DispatchSummary(1, 1, 0, 0, 1, 0), summary);
        Assert.Empty(_queue.Completed);
        Assert.Empty(_queue.DeadLettered);
        var (_, delay) = Assert.Single(_queue.Retried);
        Assert.Equal(TimeSpan.FromSeconds(8), delay);

        // The recipient after the failure is left for the retry; the one before it is recorded.
        Assert.Equal(["user0@example.com", "user1@example.com"], _sender.Sent.Select(e => e.To));
        Assert.True(_sentLog.Records.ContainsKey(Recipient(0).AlertId));
        Assert.False(_sentLog.Records.ContainsKey(Recipient(1).AlertId));
    }

    [Fact]
    public async Task HandleAsync_TransientFailureWithRetryAfter_UsesRetryAfter()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Transient("429 Too Many Requests", TimeSpan.FromSeconds(42)));

        await Dispatcher().HandleAsync(Message(deliveryCount: 1), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(42), Assert.Single(_queue.Retried).Delay);
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
        var summary = await dispatcher.HandleAsync(Message(deliveryCount: 2, recipients: 3), CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 2, 1, 0, 0, 0), summary);
        Assert.Equal(
            ["user0@example.com", "user1@example.com", "user1@example.com", "user2@example.com"],
            _sender.Sent.Select(e => e.To));
        Assert.Single(_queue.Completed);
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

        var summary = await Dispatcher().HandleAsync(new ReceivedAlerts(split.MessageId, split, 1, new object()), CancellationToken.None);

        Assert.Equal(1, summary.DeadLettered);
        Assert.Equal("550 mailbox does not exist", Assert.Single(_queue.DeadLettered).Reason);
        Assert.Single(_sender.Sent, m => m.To == "user0@example.com");
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
            new DeliveryRouter(_held, _held, flaky, _time),
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
    public async Task DrainAsync_QueuedMessages_HandlesAllUntilEmpty()
    {
        _sender.Answer("user0@example.com", EmailSendResult.Transient("busy"));
        for (var i = 0; i < 5; i++)
        {
            _queue.Pending.Enqueue(Message(messageId: $"msg-{i}", recipients: 1));
        }

        _queue.Pending.Enqueue(new ReceivedAlerts("msg-bad", null, 1, new object()));

        var summary = await Dispatcher(receiveBatchSize: 2).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(6, summary.Messages);
        Assert.Equal(1, summary.Retried);
        Assert.Equal(1, summary.DeadLettered);
        Assert.Equal(1, summary.Sent);     // the same alert id in every message: sent once,
        Assert.Equal(3, summary.AlreadySent); // then skipped
        Assert.Equal([2, 2, 2, 2], _queue.ReceiveRequests);
        Assert.Empty(_queue.Pending);
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
    public void DispatchSummary_Add_SumsEachCount() =>
        Assert.Equal(new DispatchSummary(11, 22, 33, 44, 55, 66), new DispatchSummary(1, 2, 3, 4, 5, 6).Add(new DispatchSummary(10, 20, 30, 40, 50, 60)));
}

using Alerts.Core;
using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Alerts.Core.Security;
using Alerts.Core.Subscriptions;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Infrastructure.Tests.Digests;

/// <summary>
/// The digest job over the real tables in Azurite: held alerts leave once, in one email, whatever crashes, reruns
/// and concurrent holds happen; unsubscribed and paused subscribers get nothing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DigestJobTests
{
    // Far from the other tests' times, and each test uses its own subscribers and addresses.
    private static readonly DateTimeOffset Due = new(2031, 3, 4, 7, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Due.AddHours(-10));
    private readonly StorageBootstrapper _storage;
    private readonly TableSubscriptionStore _subscriptions;
    private readonly TableSentAlertLog _sentLog;
    private readonly TableHeldAlertStore _held;
    private readonly RecordingSender _sender = new();
    private int _changes;

    public DigestJobTests(AzuriteFixture azurite)
    {
        _storage = new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), new QueueServiceClient(azurite.ConnectionString));
        _subscriptions = new TableSubscriptionStore(_storage);
        _sentLog = new TableSentAlertLog(_storage, Options.Create(new DeliveryOptions()));
        _held = new TableHeldAlertStore(_storage);
    }

    private DigestSender Job(IHeldAlertStore? store = null)
    {
        var links = new Links(Options.Create(new AlertsOptions { PublicBaseUrl = "https://alerts.example.com", SigningKeys = "test-signing-key-0123456789" }), new LinkTokens(["test-signing-key-0123456789"], _time));
        return new DigestSender(
            store ?? _held, _subscriptions, _sentLog, new TableSuppressionList(_storage, _time), _sender,
            new DigestEmailComposer(links, Options.Create(new EmailOptions { From = "alerts@example.com" })),
            new StreetContextReader(new TableRatingChangeStore(_storage), _time, NullLogger<StreetContextReader>.Instance),
            _time, NullLogger<DigestSender>.Instance);
    }

    private async Task<Subscription> DigestSubscriberAsync()
    {
        var subscription = TestData.Subscription() with { Delivery = new DeliverySettings { Mode = DeliveryMode.Digest, DigestTime = new TimeOnly(7, 30) } };
        await _subscriptions.CreateAsync(subscription, CancellationToken.None);
        await _subscriptions.ActivateAsync(subscription, TestData.Now, CancellationToken.None);
        return subscription;
    }

    private async Task<HeldAlert> HoldAsync(Subscription subscription, DateTimeOffset? due = null)
    {
        var change = TestData.Change(subscription.Tickers[0], toTarget: 18m + _changes++); // a different change each time
        var alert = new HeldAlert(AlertIds.For(change.Id, subscription.Id), subscription.Id, change, due ?? Due, _time.GetUtcNow());
        await _held.HoldAsync(alert, CancellationToken.None);
        return alert;
    }

    private async Task RunAtAsync(DateTimeOffset at, IHeldAlertStore? store = null)
    {
        _time.SetUtcNow(at);
        await Job(store).SendDueAsync(10_000, CancellationToken.None);
    }

    [Fact]
    public async Task HeldAlerts_SentAsOneDigestWhenDue_AndOnlyOnce()
    {
        var subscriber = await DigestSubscriberAsync();
        var first = await HoldAsync(subscriber);
        var second = await HoldAsync(subscriber);

        await RunAtAsync(Due.AddMinutes(-1));
        Assert.Empty(_sender.To(subscriber.Email));

        await RunAtAsync(Due.AddSeconds(5));
        await RunAtAsync(Due.AddMinutes(1));

        var digest = Assert.Single(_sender.To(subscriber.Email));
        Assert.Equal("Alerts digest: 2 changes on 1 ticker", digest.Subject);
        Assert.Empty((await _held.ReadAsync(subscriber.Id, CancellationToken.None)).Alerts);

        // Its alerts count as sent: a redelivered queue message would not hold them again.
        Assert.Equal(SendClaim.AlreadySent, await _sentLog.TryClaimAsync(first.AlertId, subscriber.Id, _time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(SendClaim.AlreadySent, await _sentLog.TryClaimAsync(second.AlertId, subscriber.Id, _time.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task CrashAfterTheSendBeforeCleanup_RerunSendsNothingAndFinishes()
    {
        var subscriber = await DigestSubscriberAsync();
        await HoldAsync(subscriber);
        await HoldAsync(subscriber);

        await RunAtAsync(Due, new CrashOnComplete(_held));
        Assert.Single(_sender.To(subscriber.Email));
        Assert.NotNull((await _held.ReadAsync(subscriber.Id, CancellationToken.None)).Batch);

        await RunAtAsync(Due.AddMinutes(1));

        Assert.Single(_sender.To(subscriber.Email));
        var left = await _held.ReadAsync(subscriber.Id, CancellationToken.None);
        Assert.Empty(left.Alerts);
        Assert.Null(left.Batch);
    }

    [Fact]
    public async Task AlertHeldWhileTheDigestIsSent_GoesInALaterDigest()
    {
        var subscriber = await DigestSubscriberAsync();
        await HoldAsync(subscriber);
        HeldAlert? late = null;
        _sender.OnSend = async _ => late ??= await HoldAsync(subscriber); // held for the same minute, mid-send

        await RunAtAsync(Due);
        _sender.OnSend = null;
        var firstDigest = Assert.Single(_sender.To(subscriber.Email));
        Assert.Equal("Alerts digest: 1 change on 1 ticker", firstDigest.Subject);
        Assert.Equal(late!.AlertId, Assert.Single((await _held.ReadAsync(subscriber.Id, CancellationToken.None)).Alerts).AlertId);

        await RunAtAsync(Due.AddMinutes(1));

        Assert.Equal(2, _sender.To(subscriber.Email).Count);
        Assert.Empty((await _held.ReadAsync(subscriber.Id, CancellationToken.None)).Alerts);
        await RunAtAsync(Due.AddMinutes(2));
        Assert.Equal(2, _sender.To(subscriber.Email).Count);
    }

    [Fact]
    public async Task TransientCarrierFailure_RetriedNextRun_SentOnce()
    {
        var subscriber = await DigestSubscriberAsync();
        await HoldAsync(subscriber);
        _sender.Results.Enqueue(EmailSendResult.Transient("503"));

        await RunAtAsync(Due);
        await RunAtAsync(Due.AddMinutes(1));
        await RunAtAsync(Due.AddMinutes(2));

        Assert.Equal(2, _sender.To(subscriber.Email).Count); // the refused attempt, then the one that left
        Assert.Empty((await _held.ReadAsync(subscriber.Id, CancellationToken.None)).Alerts);
    }

    [Fact]
    public async Task UnsubscribedBeforeDue_NothingSentAndTheHeldAlertsDropped()
    {
        var subscriber = await DigestSubscriberAsync();
        await HoldAsync(subscriber);
        await _subscriptions.DeleteAsync(subscriber, CancellationToken.None);

        await RunAtAsync(Due);

        Assert.Empty(_sender.To(subscriber.Email));
        Assert.Empty((await _held.ReadAsync(subscriber.Id, CancellationToken.None)).Alerts);
    }

    [Fact]
    public async Task PausedAtTheDueTime_DueAlertsDropped_LaterOnesKept()
    {
        var subscriber = await DigestSubscriberAsync();
        await HoldAsync(subscriber);
        var later = await HoldAsync(subscriber, Due.AddDays(1));
        await _subscriptions.UpdateAsync(subscriber.Id, subscriber.Tickers, subscriber.Rules with { Paused = true }, subscriber.Delivery, CancellationToken.None);

        await RunAtAsync(Due);

        Assert.Empty(_sender.To(subscriber.Email));
        Assert.Equal(later.AlertId, Assert.Single((await _held.ReadAsync(subscriber.Id, CancellationToken.None)).Alerts).AlertId);
    }

    [Fact]
    public async Task HoldTwice_OneRowKeepingItsFirstDueTime()
    {
        var subscriber = await DigestSubscriberAsync();
        var alert = await HoldAsync(subscriber);

        await _held.HoldAsync(alert with { DueAt = Due.AddDays(1) }, CancellationToken.None);

        Assert.Equal(Due, Assert.Single((await _held.ReadAsync(subscriber.Id, CancellationToken.None)).Alerts).DueAt);
    }

    [Fact]
    public async Task HourlyCount_ConcurrentDispatchers_NeverMoreThanTheCap_AndIdempotentPerAlert()
    {
        var subscriptionId = Ids.NewRandom();
        var hour = new DateTimeOffset(2031, 3, 4, 9, 0, 0, TimeSpan.Zero);

        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _held.CountAsync(subscriptionId, hour, 3, $"alert-{i}", CancellationToken.None)));

        Assert.Equal(3, counts.Count(c => c < 3));
        var admitted = Enumerable.Range(0, 8).First(i => counts[i] < 3);
        Assert.Equal(counts[admitted], await _held.CountAsync(subscriptionId, hour, 3, $"alert-{admitted}", CancellationToken.None));
        Assert.Equal(0, await _held.CountAsync(subscriptionId, hour.AddHours(1), 3, "alert-next-hour", CancellationToken.None));
    }

    /// <summary>Records emails; answers the queued results first, then Accepted.</summary>
    private sealed class RecordingSender : IEmailSender
    {
        public List<EmailMessage> Sent { get; } = [];

        public Queue<EmailSendResult> Results { get; } = new();

        public Func<EmailMessage, Task>? OnSend { get; set; }

        public List<EmailMessage> To(string address) => Sent.Where(m => m.To == address).ToList();

        public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            Sent.Add(message);
            if (OnSend is { } hook)
            {
                await hook(message);
            }

            return Results.TryDequeue(out var result) ? result : EmailSendResult.Accepted;
        }

        /// <summary>Digests go one email at a time; a batch here would be a mistake of the test.</summary>
        public Task<EmailSendResult> SendBatchAsync(EmailBatch batch, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Digests are sent one by one.");
    }

    /// <summary>The process dies after the email left and was marked sent, before any held row was deleted.</summary>
    private sealed class CrashOnComplete(IHeldAlertStore inner) : IHeldAlertStore
    {
        public Task HoldAsync(HeldAlert alert, CancellationToken cancellationToken) => inner.HoldAsync(alert, cancellationToken);

        public Task<IReadOnlyList<DueDigest>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) => inner.GetDueAsync(now, max, cancellationToken);

        public Task<HeldAlerts> ReadAsync(string subscriptionId, CancellationToken cancellationToken) => inner.ReadAsync(subscriptionId, cancellationToken);

        public Task<bool> StartBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken) => inner.StartBatchAsync(subscriptionId, batch, cancellationToken);

        public Task CompleteBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken) => throw new IOException("killed");

        public Task DropAsync(string subscriptionId, IReadOnlyCollection<string> alertIds, bool withBatch, CancellationToken cancellationToken) => inner.DropAsync(subscriptionId, alertIds, withBatch, cancellationToken);

        public Task<bool> RemoveDueAsync(DueDigest due, CancellationToken cancellationToken) => inner.RemoveDueAsync(due, cancellationToken);
    }
}

using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Digests;

/// <summary>The dispatcher with delivery settings: what is held, what is sent, and that a redelivery changes nothing.</summary>
public class DeliveryRoutingTests
{
    // 2026-01-15 10:20 UTC: 11:20 in Paris.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 15, 10, 20, 0, TimeSpan.Zero));
    private readonly InMemoryAlertQueue _queue = new();
    private readonly ScriptedEmailSender _sender = new();
    private readonly InMemorySentAlertLog _sentLog = new();
    private readonly InMemoryHeldAlertStore _held = new();

    private AlertDispatcher Dispatcher() => new(
        _queue,
        _sender,
        _sentLog,
        new InMemorySuppressionList(),
        new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email()),
        new Alerts.Core.Context.StreetContextReader(new InMemoryRatingHistory(), _time, NullLogger<Alerts.Core.Context.StreetContextReader>.Instance),
        new DeliveryRouter(_held, _held, _sentLog, _time),
        new DispatchSignal(),
        Options.Create(new DeliveryOptions()),
        _time,
        NullLogger<AlertDispatcher>.Instance);

    private static ReceivedAlerts Message(string changeId, params AlertRecipient[] recipients)
    {
        var change = TestChanges.CifrUpgrade() with { Id = changeId };
        return new ReceivedAlerts("msg-" + changeId, [new AlertsMatched("msg-" + changeId, change, recipients, TestChanges.Now)], 1, new object());
    }

    private static AlertRecipient Recipient(string changeId, string subscriptionId, DeliverySettings? delivery) =>
        new(AlertIds.For(changeId, subscriptionId), subscriptionId, subscriptionId + "@example.com", delivery);

    [Fact]
    public async Task HandleAsync_DigestSubscriber_HeldUntilTheDigestAndNotEmailed()
    {
        var digest = new DeliverySettings { Mode = DeliveryMode.Digest, TimeZone = "Europe/Paris", DigestTime = new TimeOnly(7, 30) };
        var message = Message("c1", Recipient("c1", "digest", digest), Recipient("c1", "instant", null));

        var summary = await Dispatcher().HandleAsync(message, CancellationToken.None);

        Assert.Equal(1, summary.Held);
        Assert.Equal(1, summary.Sent);
        Assert.Equal("instant@example.com", Assert.Single(_sender.Sent).To);
        var held = Assert.Single(_held.Alerts.Values);
        Assert.Equal(("digest", new DateTimeOffset(2026, 1, 16, 6, 30, 0, TimeSpan.Zero)), (held.SubscriptionId, held.DueAt));
        Assert.Single(_held.Due);
        Assert.Contains(held.AlertId, _sentLog.Held);
        Assert.Single(_queue.Completed);
    }

    [Fact]
    public async Task HandleAsync_HeldMessageRedelivered_NotHeldAgain()
    {
        var digest = new DeliverySettings { Mode = DeliveryMode.Digest };
        var message = Message("c1", Recipient("c1", "digest", digest));
        await Dispatcher().HandleAsync(message, CancellationToken.None);

        var again = await Dispatcher().HandleAsync(message, CancellationToken.None);

        Assert.Equal((0, 1), (again.Held, again.AlreadySent));
        Assert.Single(_held.Alerts);
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task HandleAsync_HoldingFails_MessageRetriedAndTheClaimGivenBack()
    {
        var digest = new DeliverySettings { Mode = DeliveryMode.Digest };
        var recipient = Recipient("c1", "digest", digest);
        var dispatcher = new AlertDispatcher(
            _queue, _sender, _sentLog, new InMemorySuppressionList(),
            new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email()),
            new Alerts.Core.Context.StreetContextReader(new InMemoryRatingHistory(), _time, NullLogger<Alerts.Core.Context.StreetContextReader>.Instance),
            new DeliveryRouter(new BrokenHeldStore(), _held, _sentLog, _time),
            new DispatchSignal(),
            Options.Create(new DeliveryOptions()), _time, NullLogger<AlertDispatcher>.Instance);

        var summary = await dispatcher.HandleAsync(Message("c1", recipient), CancellationToken.None);

        Assert.Equal((1, 0, 0), (summary.Retried, summary.Held, summary.Sent));
        Assert.Single(_queue.Retried);
        Assert.Empty(_sentLog.Claims);
        Assert.Empty(_sender.Sent);
    }

    /// <summary>A held-alert store whose table is unreachable.</summary>
    private sealed class BrokenHeldStore : IHeldAlertStore
    {
        public Task HoldAsync(HeldAlert alert, CancellationToken cancellationToken) => throw new IOException("storage is down");

        public Task<IReadOnlyList<DueDigest>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) => throw new IOException("storage is down");

        public Task<HeldAlerts> ReadAsync(string subscriptionId, CancellationToken cancellationToken) => throw new IOException("storage is down");

        public Task<bool> StartBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken) => throw new IOException("storage is down");

        public Task CompleteBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken) => throw new IOException("storage is down");

        public Task DropAsync(string subscriptionId, IReadOnlyCollection<string> alertIds, bool withBatch, CancellationToken cancellationToken) => throw new IOException("storage is down");

        public Task<bool> RemoveDueAsync(DueDigest due, CancellationToken cancellationToken) => throw new IOException("storage is down");
    }

    [Fact]
    public async Task HandleAsync_QuietHours_HeldUntilTheyEnd()
    {
        var quiet = new DeliverySettings { TimeZone = "Europe/Paris", QuietHours = new QuietHours(new TimeOnly(11, 0), new TimeOnly(12, 0)) };

        await Dispatcher().HandleAsync(Message("c1", Recipient("c1", "quiet", quiet)), CancellationToken.None);

        Assert.Empty(_sender.Sent);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 11, 0, 0, TimeSpan.Zero), Assert.Single(_held.Alerts.Values).DueAt);
    }

    [Fact]
    public async Task HandleAsync_OverTheHourlyCap_TheRestHeldUntilTheNextHour()
    {
        var capped = new DeliverySettings { TimeZone = "Europe/Paris", MaxPerHour = 2 };
        foreach (var change in new[] { "c1", "c2", "c3" })
        {
            await Dispatcher().HandleAsync(Message(change, Recipient(change, "capped", capped)), CancellationToken.None);
        }

        // A redelivered message of the first counts nothing more.
        await Dispatcher().HandleAsync(Message("c1", Recipient("c1", "capped", capped)), CancellationToken.None);

        Assert.Equal(2, _sender.Sent.Count);
        var held = Assert.Single(_held.Alerts.Values);
        Assert.Equal(AlertIds.For("c3", "capped"), held.AlertId);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 11, 0, 0, TimeSpan.Zero), held.DueAt);

        // The next clock hour starts a new count.
        _time.Advance(TimeSpan.FromMinutes(45));
        await Dispatcher().HandleAsync(Message("c4", Recipient("c4", "capped", capped)), CancellationToken.None);
        Assert.Equal(3, _sender.Sent.Count);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Alerts.Core.Delivery;
using Alerts.Core.Diagnostics;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Tests.Queues;

/// <summary>
/// The queue names are fixed ("alerts", "alerts-poison"), so every test here clears both queues first; the class is in the
/// Azurite collection, whose tests run one at a time.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageQueueAlertQueueTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly QueueServiceClient _queues = new(azurite.ConnectionString);
    private StorageQueueAlertQueue _queue = null!;
    private QueueClient _alerts = null!;
    private QueueClient _poison = null!;

    public async Task InitializeAsync()
    {
        var bootstrapper = new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), _queues);
        await bootstrapper.EnsureCreatedAsync(CancellationToken.None);
        _queue = new StorageQueueAlertQueue(_queues, bootstrapper);
        _alerts = _queues.GetQueueClient(StorageNames.AlertsQueue);
        _poison = _queues.GetQueueClient(StorageNames.AlertsPoisonQueue);
        await _alerts.ClearMessagesAsync();
        await _poison.ClearMessagesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Counts every message on the queue, visible or not (a received message is only hidden, not gone).</summary>
    private static async Task<int> CountAllAsync(QueueClient queue) =>
        (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task ReceiveAsync_AfterEnqueue_ReturnsTheMessageIntactWithDeliveryCountOne()
    {
        var alerts = TestData.Alerts(recipients: 3);

        await _queue.EnqueueAsync([alerts], CancellationToken.None);
        var received = await _queue.ReceiveAsync(16, CancellationToken.None);

        var message = Assert.Single(received);
        Assert.Equal(alerts.MessageId, message.MessageId);
        Assert.Equal(1, message.DeliveryCount);
        TestData.AssertSameAlerts(alerts, message.Alerts);
        Assert.Equal(alerts.Change.Firm, message.Alerts![0].Change.Firm);
        Assert.Equal(alerts.Change.TargetChangePct, message.Alerts[0].Change.TargetChangePct);
        Assert.Equal(["user0@example.com", "user1@example.com", "user2@example.com"], message.Alerts[0].Recipients.Select(r => r.Email));
    }

    [Fact]
    public async Task EnqueueThenReceive_UnderASpan_TheBodyCarriesTheEnqueueSpanAsTheDispatchParent()
    {
        using var spans = new SpanRecorder(AlertsTelemetry.Name);
        var alerts = TestData.Alerts(recipients: 3);
        ActivityTraceId trace;
        using (var caller = SpanRecorder.StartCaller(traceState: "vendor=abc"))
        {
            trace = caller.TraceId;
            await _queue.EnqueueAsync([alerts], CancellationToken.None);
        }

        var received = Assert.Single(await _queue.ReceiveAsync(16, CancellationToken.None));
        var enqueue = Assert.Single(spans.In(trace), s => s.DisplayName == AlertsTelemetry.Spans.Enqueue);

        Assert.Equal(ActivityKind.Producer, enqueue.Kind);
        Assert.Equal((trace, enqueue.SpanId, true), (received.Parent.TraceId, received.Parent.SpanId, received.Parent.IsRemote));
        Assert.Equal("vendor=abc", received.Parent.TraceState);
        TestData.AssertSameAlerts(alerts, received.Alerts);
    }

    [Fact]
    public async Task ReceiveAsync_BodyWithoutTraceContext_ReadsAsBeforeWithNoParent()
    {
        var alerts = TestData.Alerts();
        await _alerts.SendMessageAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(alerts, Alerts.Infrastructure.InfrastructureJsonContext.Default.AlertsMatched)));

        var received = Assert.Single(await _queue.ReceiveAsync(16, CancellationToken.None));

        Assert.Equal(default, received.Parent);
        TestData.AssertSameAlerts(alerts, received.Alerts);
    }

    [Fact]
    public async Task ReceiveAsync_WhileAMessageIsBeingHandled_DoesNotReturnItAgain()
    {
        await _queue.EnqueueAsync([TestData.Alerts()], CancellationToken.None);
        Assert.Single(await _queue.ReceiveAsync(16, CancellationToken.None));

        Assert.Empty(await _queue.ReceiveAsync(16, CancellationToken.None));
        Assert.Equal(1, await CountAllAsync(_alerts));
    }

    [Fact]
    public async Task ReceiveAsync_SeveralEnqueued_ReturnsEachOnce()
    {
        // 200 recipients each: no two fit one message (at most 250 recipients), so each change is a message of its own.
        var sent = Enumerable.Range(0, 5).Select(_ => TestData.Alerts(recipients: 200)).ToList();

        await _queue.EnqueueAsync(sent, CancellationToken.None);
        var received = new List<ReceivedAlerts>();
        await Eventually.UntilAsync(
            async () =>
            {
                received.AddRange(await _queue.ReceiveAsync(2, CancellationToken.None));
                return received.Count >= sent.Count;
            },
            Timeout,
            "all five messages were received");

        Assert.Equal(sent.Select(a => a.MessageId).Order(StringComparer.Ordinal), received.Select(r => r.MessageId).Order(StringComparer.Ordinal));
        Assert.All(received, r => Assert.Equal(1, r.DeliveryCount));
    }

    [Fact]
    public async Task EnqueueAsync_ChangesWithFewRecipients_TravelTogetherWithinTheSizeLimitEachOnceInOrder()
    {
        // 150 changes of 2 recipients: about 1 KB of JSON each, so they fill a few messages of at most 48 KiB, not 150.
        var sent = Enumerable.Range(0, 150).Select(_ => TestData.Alerts(recipients: 2)).ToList();

        await _queue.EnqueueAsync(sent, CancellationToken.None);

        var bodies = (await _alerts.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToMemory().Length).ToList();
        var received = await ReceiveAllAsync(expectedAlerts: sent.Count);
        Assert.InRange(received.Count, 2, 10);
        Assert.Equal(received.Count, bodies.Count);
        Assert.All(bodies, length => Assert.InRange(length, 1, StorageQueueAlertQueue.MaxPackedBytes));
        Assert.Equal(sent.Select(a => a.MessageId).Order(StringComparer.Ordinal), received.SelectMany(r => r.Alerts!).Select(a => a.MessageId).Order(StringComparer.Ordinal));
        var byId = sent.ToDictionary(a => a.MessageId);
        Assert.All(received.SelectMany(r => r.Alerts!), a => TestData.AssertSameAlerts(byId[a.MessageId], a));
        Assert.Equal(received.Count, received.Select(r => r.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task EnqueueAsync_AlertRefusedForGood_TravelsAloneSoThatItIsDeadLetteredOnItsOwn()
    {
        var refused = TestData.Alerts(recipients: 1) with { DeadLetterReason = "550 mailbox does not exist" };
        var sent = new[] { TestData.Alerts(), refused, TestData.Alerts() };

        await _queue.EnqueueAsync(sent, CancellationToken.None);

        var received = await ReceiveAllAsync(expectedAlerts: 3);
        var alone = Assert.Single(received, r => r.Alerts!.Any(a => a.DeadLetterReason is not null));
        TestData.AssertSameAlerts(refused, alone.Alerts);
        Assert.Equal(3, received.Sum(r => r.Alerts!.Count));
    }

    /// <summary>Receives until the messages carry <paramref name="expectedAlerts"/> changes' alerts in all.</summary>
    private async Task<List<ReceivedAlerts>> ReceiveAllAsync(int expectedAlerts)
    {
        var received = new List<ReceivedAlerts>();
        await Eventually.UntilAsync(
            async () =>
            {
                received.AddRange(await _queue.ReceiveAsync(32, CancellationToken.None));
                return received.Sum(r => r.Alerts?.Count ?? 0) >= expectedAlerts;
            },
            Timeout,
            $"messages carrying {expectedAlerts} changes' alerts were received");
        return received;
    }

    [Fact]
    public async Task CompleteAsync_ReceivedMessage_RemovesIt()
    {
        await _queue.EnqueueAsync([TestData.Alerts()], CancellationToken.None);
        var message = Assert.Single(await _queue.ReceiveAsync(16, CancellationToken.None));
        Assert.Equal(1, await CountAllAsync(_alerts));

        await _queue.CompleteAsync(message, CancellationToken.None);

        Assert.Equal(0, await CountAllAsync(_alerts));
        Assert.Equal(0, await CountAllAsync(_poison));
    }

    [Fact]
    public async Task RetryLaterAsync_ShortDelay_MessageComesBackWithDeliveryCountTwo()
    {
        var alerts = TestData.Alerts();
        await _queue.EnqueueAsync([alerts], CancellationToken.None);
        var first = Assert.Single(await _queue.ReceiveAsync(16, CancellationToken.None));

        await _queue.RetryLaterAsync(first, TimeSpan.FromSeconds(1), CancellationToken.None);

        ReceivedAlerts? again = null;
        await Eventually.UntilAsync(
            async () =>
            {
                again = (await _queue.ReceiveAsync(16, CancellationToken.None)).SingleOrDefault();
                return again is not null;
            },
            Timeout,
            "the retried message was visible again");
        Assert.Equal(2, again!.DeliveryCount);
        Assert.Equal(alerts.MessageId, again.MessageId);
        TestData.AssertSameAlerts(alerts, again.Alerts);

        // The new receipt settles it.
        await _queue.CompleteAsync(again, CancellationToken.None);
        Assert.Equal(0, await CountAllAsync(_alerts));
    }

    [Fact]
    public async Task RetryLaterAsync_NegativeDelay_MakesItVisibleAgainAtOnce()
    {
        // A Retry-After date already past becomes a negative delay: it means "now", not an error.
        var alerts = TestData.Alerts();
        await _queue.EnqueueAsync([alerts], CancellationToken.None);
        var first = Assert.Single(await _queue.ReceiveAsync(16, CancellationToken.None));

        await _queue.RetryLaterAsync(first, TimeSpan.FromSeconds(-30), CancellationToken.None);

        ReceivedAlerts? again = null;
        await Eventually.UntilAsync(
            async () =>
            {
                again = (await _queue.ReceiveAsync(16, CancellationToken.None)).SingleOrDefault();
                return again is not null;
            },
            Timeout,
            "the retried message was visible again");
        Assert.Equal(2, again!.DeliveryCount);
    }

    [Fact]
    public async Task RetryLaterAsync_DelayBeyondTheQueueMaximum_DoesNotThrow()
    {
        await _queue.EnqueueAsync([TestData.Alerts()], CancellationToken.None);
        var first = Assert.Single(await _queue.ReceiveAsync(16, CancellationToken.None));

        await _queue.RetryLaterAsync(first, TimeSpan.FromDays(30), CancellationToken.None);

        Assert.Empty(await _queue.ReceiveAsync(16, CancellationToken.None));
        Assert.Equal(1, await CountAllAsync(_alerts));
    }

    [Fact]
    public async Task DeadLetterAsync_ReceivedMessage_MovesItWithReasonAndBodyToThePoisonQueue()
    {
        var alerts = TestData.Alerts();
        var originalBody = AlertsMessageCodec.Encode(alerts).ToString();
        await _queue.EnqueueAsync([alerts], CancellationToken.None);
        var message = Assert.Single(await _queue.ReceiveAsync(16, CancellationToken.None));

        await _queue.DeadLetterAsync(message, "SendGrid answered 400: The to address is invalid", CancellationToken.None);

        Assert.Equal(0, await CountAllAsync(_alerts));
        var poisoned = Assert.Single((await _poison.ReceiveMessagesAsync(32)).Value);
        using var json = JsonDocument.Parse(poisoned.Body.ToString());
        var root = json.RootElement;
        Assert.Equal(alerts.MessageId, root.GetProperty("messageId").GetString());
        Assert.Equal("SendGrid answered 400: The to address is invalid", root.GetProperty("reason").GetString());
        Assert.Equal(1, root.GetProperty("deliveryCount").GetInt32());
        Assert.Equal(originalBody, root.GetProperty("body").GetString());
        TestData.AssertSameAlerts(alerts, AlertsMessageCodec.Decode(BinaryData.FromString(root.GetProperty("body").GetString()!)));
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"messageId\":\"x\"}")]
    [InlineData("null")]
    [InlineData("[1,2,3]")]
    public async Task ReceiveAsync_GarbageOnTheQueue_ReturnsItWithoutAlerts(string garbage)
    {
        var sent = (await _alerts.SendMessageAsync(garbage)).Value;

        var message = Assert.Single(await _queue.ReceiveAsync(16, CancellationToken.None));

        Assert.Null(message.Alerts);
        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal(1, message.DeliveryCount);

        // It can be moved aside like any other, body kept as it was.
        await _queue.DeadLetterAsync(message, "unreadable", CancellationToken.None);
        Assert.Equal(0, await CountAllAsync(_alerts));
        var poisoned = Assert.Single((await _poison.ReceiveMessagesAsync(32)).Value);
        using var json = JsonDocument.Parse(poisoned.Body.ToString());
        Assert.Equal(garbage, json.RootElement.GetProperty("body").GetString());
        Assert.Equal(sent.MessageId, json.RootElement.GetProperty("messageId").GetString());
    }
}

using System.Diagnostics;
using Alerts.Core.Delivery;
using Alerts.Core.Diagnostics;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Messaging.ServiceBus;

namespace Alerts.Infrastructure.Tests.Queues;

/// <summary>
/// No Service Bus emulator runs here, so the SDK's own test support stands in: <see cref="ServiceBusModelFactory"/> batches and
/// received messages, and recording subclasses of <see cref="ServiceBusSender"/> and <see cref="ServiceBusReceiver"/>.
/// </summary>
public sealed class ServiceBusAlertQueueTests
{
    private readonly RecordingServiceBusReceiver _receiver = new();

    private ServiceBusAlertQueue Queue(RecordingServiceBusSender sender) => new(sender, _receiver);

    private static readonly DateTimeOffset QueuedAt = DateTimeOffset.UtcNow.AddSeconds(-2);

    private static ServiceBusReceivedMessage Received(BinaryData body, string messageId, int deliveryCount) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: body,
            messageId: messageId,
            deliveryCount: deliveryCount,
            enqueuedTime: QueuedAt,
            lockTokenGuid: Guid.NewGuid());

    private static ServiceBusReceivedMessage Received(AlertsMatched alerts, int deliveryCount = 1) =>
        Received(AlertsMessageCodec.Encode(alerts), alerts.MessageId, deliveryCount);

    [Fact]
    public async Task EnqueueAsync_OneMessage_SendsItWithMessageIdContentTypeAndBody()
    {
        var sender = new RecordingServiceBusSender();
        var alerts = TestData.Alerts(recipients: 3);

        await Queue(sender).EnqueueAsync([alerts], CancellationToken.None);

        var batch = Assert.Single(sender.SentBatches);
        var message = Assert.Single(batch);
        Assert.Equal(alerts.MessageId, message.MessageId);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal(nameof(AlertsMatched), message.Subject);
        Assert.Equal(alerts.Change.Ticker, message.ApplicationProperties["ticker"]);
        Assert.Equal(alerts.Change.Id, message.ApplicationProperties["changeId"]);
        TestData.AssertSameAlerts(alerts, AlertsMessageCodec.Decode(message.Body));
    }

    [Fact]
    public async Task EnqueueAsync_MoreMessagesThanABatchHolds_SplitsThemAcrossBatchesInOrder()
    {
        var sender = new RecordingServiceBusSender { MaxMessagesPerBatch = 4 };
        // 600 recipients each: no two fit one message (at most 1,000 recipients), so each change is a message of its own.
        var alerts = Enumerable.Range(0, 10).Select(_ => TestData.Alerts(recipients: 600)).ToList();

        await Queue(sender).EnqueueAsync(alerts, CancellationToken.None);

        Assert.Equal([4, 4, 2], sender.SentBatches.Select(b => b.Count));
        Assert.Equal(alerts.Select(a => a.MessageId), sender.Sent.Select(m => m.MessageId));
        Assert.Equal(alerts.Select(a => a.MessageId), sender.Sent.Select(m => AlertsMessageCodec.Decode(m.Body)!.MessageId));
    }

    [Fact]
    public async Task EnqueueAsync_SeveralChangesWithFewRecipients_ShareOneMessageThatCarriesEach()
    {
        var sender = new RecordingServiceBusSender();
        var alerts = Enumerable.Range(0, 5).Select(_ => TestData.Alerts(recipients: 2)).ToList();

        await Queue(sender).EnqueueAsync(alerts, CancellationToken.None);

        var message = Assert.Single(Assert.Single(sender.SentBatches));
        Assert.Equal(AlertIds.ForMessage(alerts.SelectMany(a => a.Recipients.Select(r => r.AlertId))), message.MessageId);
        Assert.Equal(5, message.ApplicationProperties["changes"]);
        Assert.False(message.ApplicationProperties.ContainsKey("ticker"));
        var received = ServiceBusAlertQueue.FromMessage(Received(message.Body, message.MessageId, 1));
        Assert.Equal(message.MessageId, received.MessageId);
        Assert.Equal(alerts.Select(a => a.Change.Id), received.Alerts!.Select(a => a.Change.Id));
        for (var i = 0; i < alerts.Count; i++)
        {
            TestData.AssertSameAlerts(alerts[i], received.Alerts![i]);
        }
    }

    [Fact]
    public async Task EnqueueAsync_NoMessages_SendsNothing()
    {
        var sender = new RecordingServiceBusSender();

        await Queue(sender).EnqueueAsync([], CancellationToken.None);

        Assert.Empty(sender.SentBatches);
    }

    [Fact]
    public async Task EnqueueAsync_MessageThatFitsNoBatch_Throws()
    {
        var sender = new RecordingServiceBusSender { MaxMessagesPerBatch = 0 };
        var alerts = TestData.Alerts();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Queue(sender).EnqueueAsync([alerts], CancellationToken.None));

        Assert.Contains(alerts.MessageId, error.Message, StringComparison.Ordinal);
        Assert.Empty(sender.SentBatches);
    }

    [Fact]
    public async Task ReceiveAsync_Messages_MapsDeliveryCountAndDecodesBody()
    {
        var first = TestData.Alerts();
        var second = TestData.Alerts(recipients: 1);
        var firstMessage = Received(first, deliveryCount: 1);
        var secondMessage = Received(second, deliveryCount: 4);
        _receiver.ToReceive.Enqueue([firstMessage, secondMessage]);

        var received = await Queue(new RecordingServiceBusSender()).ReceiveAsync(16, CancellationToken.None);

        Assert.Equal((16, ServiceBusAlertQueue.ReceiveWait), Assert.Single(_receiver.ReceiveCalls));
        Assert.Equal(2, received.Count);
        Assert.Equal(first.MessageId, received[0].MessageId);
        Assert.Equal(1, received[0].DeliveryCount);
        TestData.AssertSameAlerts(first, received[0].Alerts);
        Assert.Same(firstMessage, received[0].Receipt);
        Assert.Equal(second.MessageId, received[1].MessageId);
        Assert.Equal(4, received[1].DeliveryCount);
        TestData.AssertSameAlerts(second, received[1].Alerts);
        Assert.Same(secondMessage, received[1].Receipt);
    }

    [Fact]
    public async Task EnqueueThenReceive_UnderASpan_TheMessageCarriesTheEnqueueSpanAsTheDispatchParent()
    {
        using var spans = new SpanRecorder(AlertsTelemetry.Name);
        var sender = new RecordingServiceBusSender();
        var alerts = TestData.Alerts();
        ActivityTraceId trace;
        using (var caller = SpanRecorder.StartCaller(traceState: "vendor=abc"))
        {
            trace = caller.TraceId;
            await Queue(sender).EnqueueAsync([alerts], CancellationToken.None);
        }

        var sent = Assert.Single(sender.Sent);
        var enqueue = Assert.Single(spans.In(trace), s => s.DisplayName == AlertsTelemetry.Spans.Enqueue);
        _receiver.ToReceive.Enqueue([ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: sent.Body, messageId: sent.MessageId, properties: sent.ApplicationProperties, deliveryCount: 1, lockTokenGuid: Guid.NewGuid())]);
        var received = Assert.Single(await Queue(sender).ReceiveAsync(10, CancellationToken.None));

        Assert.Equal(ActivityKind.Producer, enqueue.Kind);
        Assert.Equal($"00-{trace}-{enqueue.SpanId}-01", sent.ApplicationProperties[ServiceBusAlertQueue.DiagnosticIdProperty]);
        Assert.Equal((trace, enqueue.SpanId, true), (received.Parent.TraceId, received.Parent.SpanId, received.Parent.IsRemote));
        Assert.Equal("vendor=abc", received.Parent.TraceState);
        TestData.AssertSameAlerts(alerts, received.Alerts);
    }

    [Fact]
    public async Task ReceiveAsync_MessageWithoutTraceContext_HasNoParent()
    {
        _receiver.ToReceive.Enqueue([Received(TestData.Alerts())]);

        var received = Assert.Single(await Queue(new RecordingServiceBusSender()).ReceiveAsync(10, CancellationToken.None));

        Assert.Equal(default, received.Parent);
        Assert.NotNull(received.Alerts);
    }

    [Fact]
    public async Task ReceiveAsync_TraceparentPropertyOfAnotherProducer_IsTheParent()
    {
        var alerts = TestData.Alerts();
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        _receiver.ToReceive.Enqueue([ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: AlertsMessageCodec.Encode(alerts), messageId: alerts.MessageId, properties: new Dictionary<string, object> { ["traceparent"] = traceParent }, lockTokenGuid: Guid.NewGuid())]);

        var received = Assert.Single(await Queue(new RecordingServiceBusSender()).ReceiveAsync(10, CancellationToken.None));

        Assert.Equal(traceParent, AlertsTelemetry.TraceParent(received.Parent));
    }

    [Fact]
    public async Task ReceiveAsync_EmptyQueue_ReturnsNothing()
    {
        Assert.Empty(await Queue(new RecordingServiceBusSender()).ReceiveAsync(16, CancellationToken.None));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"messageId\":\"m-1\"}")]
    [InlineData("{\"messageId\":\"m-1\",\"change\":{\"ticker\":42}}")]
    [InlineData("")]
    public async Task ReceiveAsync_GarbageBody_ReturnsMessageWithoutAlerts(string body)
    {
        _receiver.ToReceive.Enqueue([Received(BinaryData.FromString(body), "garbage-1", deliveryCount: 2)]);

        var message = Assert.Single(await Queue(new RecordingServiceBusSender()).ReceiveAsync(16, CancellationToken.None));

        Assert.Null(message.Alerts);
        Assert.Equal("garbage-1", message.MessageId);
        Assert.Equal(2, message.DeliveryCount);
    }

    [Fact]
    public async Task CompleteAsync_ReceivedMessage_CompletesThatMessage()
    {
        var serviceBusMessage = Received(TestData.Alerts());
        _receiver.ToReceive.Enqueue([serviceBusMessage]);
        var queue = Queue(new RecordingServiceBusSender());
        var message = Assert.Single(await queue.ReceiveAsync(16, CancellationToken.None));

        await queue.CompleteAsync(message, CancellationToken.None);

        Assert.Same(serviceBusMessage, Assert.Single(_receiver.Completed));
        Assert.Equal(["complete"], _receiver.Settlements);
    }

    [Fact]
    public async Task DeadLetterAsync_ReceivedMessage_DeadLettersThatMessageWithTheReason()
    {
        var serviceBusMessage = Received(TestData.Alerts(), deliveryCount: 5);
        _receiver.ToReceive.Enqueue([serviceBusMessage]);
        var queue = Queue(new RecordingServiceBusSender());
        var message = Assert.Single(await queue.ReceiveAsync(16, CancellationToken.None));

        await queue.DeadLetterAsync(message, "SendGrid answered 400: bad address", CancellationToken.None);

        var (deadLettered, reason, description) = Assert.Single(_receiver.DeadLettered);
        Assert.Same(serviceBusMessage, deadLettered);
        Assert.Equal("DeliveryFailed", reason);
        Assert.Equal("SendGrid answered 400: bad address", description);
        Assert.Equal(["deadletter"], _receiver.Settlements);
    }

    [Fact]
    public async Task DeadLetterAsync_VeryLongReason_IsCutTo1024Characters()
    {
        var serviceBusMessage = Received(TestData.Alerts());
        _receiver.ToReceive.Enqueue([serviceBusMessage]);
        var queue = Queue(new RecordingServiceBusSender());
        var message = Assert.Single(await queue.ReceiveAsync(16, CancellationToken.None));
        var reason = new string('x', 5000);

        await queue.DeadLetterAsync(message, reason, CancellationToken.None);

        Assert.Equal(reason[..1024], Assert.Single(_receiver.DeadLettered).Description);
    }

    [Fact]
    public async Task RetryLaterAsync_ReceivedMessage_DoesNotSettleIt()
    {
        _receiver.ToReceive.Enqueue([Received(TestData.Alerts())]);
        var queue = Queue(new RecordingServiceBusSender());
        var message = Assert.Single(await queue.ReceiveAsync(16, CancellationToken.None));

        await queue.RetryLaterAsync(message, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Empty(_receiver.Settlements);
    }

    [Fact]
    public async Task ReceiveAsync_AfterEnqueue_RoundTripsThroughTheWireFormat()
    {
        // What one side sends is what the other side reads: the sent body becomes the received body.
        var sender = new RecordingServiceBusSender();
        var alerts = TestData.Alerts(recipients: 2);
        var queue = Queue(sender);
        await queue.EnqueueAsync([alerts], CancellationToken.None);
        var sent = Assert.Single(sender.Sent);
        _receiver.ToReceive.Enqueue([Received(sent.Body, sent.MessageId, deliveryCount: 1)]);

        var received = Assert.Single(await queue.ReceiveAsync(1, CancellationToken.None));

        Assert.Equal(alerts.MessageId, received.MessageId);
        TestData.AssertSameAlerts(alerts, received.Alerts);
    }

    [Fact]
    public async Task PeekDeadLettersAsync_ReadsReasonAndAlerts_AndSettlesNothing()
    {
        var deadLetters = new RecordingServiceBusReceiver();
        var alerts = TestData.Alerts(recipients: 2);
        deadLetters.ToPeek.Add(ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: AlertsMessageCodec.Encode(alerts),
            messageId: alerts.MessageId,
            sequenceNumber: 1,
            deliveryCount: 10,
            properties: new Dictionary<string, object> { ["DeadLetterReason"] = "DeliveryFailed", ["DeadLetterErrorDescription"] = "Gave up after 10 attempts" }));

        var letters = await new ServiceBusAlertQueue(new RecordingServiceBusSender(), _receiver, deadLetters).PeekDeadLettersAsync(10, CancellationToken.None);

        var letter = Assert.Single(letters);
        Assert.Equal(alerts.MessageId, letter.MessageId);
        Assert.Equal(10, letter.DeliveryCount);
        Assert.Equal(alerts.Change.Id, Assert.Single(letter.Alerts!).Change.Id);
        Assert.Empty(deadLetters.Settlements);
    }

    [Fact]
    public async Task ReplayDeadLettersAsync_SendsUnderANewMessageIdThenCompletesTheDeadLetter()
    {
        var sender = new RecordingServiceBusSender();
        var deadLetters = new RecordingServiceBusReceiver();
        var alerts = TestData.Alerts(recipients: 2);
        var dead = ServiceBusModelFactory.ServiceBusReceivedMessage(body: AlertsMessageCodec.Encode(alerts), messageId: alerts.MessageId, sequenceNumber: 42, lockTokenGuid: Guid.NewGuid());
        deadLetters.ToReceive.Enqueue([dead]);

        var replayed = await new ServiceBusAlertQueue(sender, _receiver, deadLetters).ReplayDeadLettersAsync(10, CancellationToken.None);

        Assert.Equal(1, replayed);
        var again = Assert.Single(sender.Sent);
        Assert.NotEqual(alerts.MessageId, again.MessageId);
        Assert.StartsWith(alerts.MessageId, again.MessageId, StringComparison.Ordinal);
        Assert.Equal(alerts.Change.Id, Assert.Single(AlertsMessageCodec.Decode(again.Body)!.Alerts).Change.Id);
        Assert.Same(dead, Assert.Single(deadLetters.Completed));
    }

    [Fact]
    public async Task GetStatsAsync_CountsPendingAndDeadLettersAndTheOldestPending_EachTimeAskedFromTheStart()
    {
        var deadLetters = new RecordingServiceBusReceiver();
        var old = DateTimeOffset.UtcNow.AddMinutes(-7);
        _receiver.ToPeek.Add(ServiceBusModelFactory.ServiceBusReceivedMessage(messageId: "a", sequenceNumber: 1, enqueuedTime: old));
        _receiver.ToPeek.Add(ServiceBusModelFactory.ServiceBusReceivedMessage(messageId: "b", sequenceNumber: 2, enqueuedTime: old.AddMinutes(3)));
        deadLetters.ToPeek.Add(ServiceBusModelFactory.ServiceBusReceivedMessage(messageId: "c", sequenceNumber: 1));
        var queue = new ServiceBusAlertQueue(new RecordingServiceBusSender(), _receiver, deadLetters);

        // A receiver's peeks go on from the last one unless told where to start: the second health check saw nothing.
        var first = await queue.GetStatsAsync(CancellationToken.None);
        var second = await queue.GetStatsAsync(CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(2, second.Pending);
        Assert.Equal(1, second.DeadLettered);
        Assert.Equal(old, second.OldestPendingEnqueuedAt);
    }

}

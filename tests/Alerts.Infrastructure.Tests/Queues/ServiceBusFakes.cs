using Azure.Messaging.ServiceBus;

namespace Alerts.Infrastructure.Tests.Queues;

/// <summary>
/// A <see cref="ServiceBusSender"/> that records what it is asked to send. Its batches come from
/// <see cref="ServiceBusModelFactory.ServiceBusMessageBatch"/> and accept at most <see cref="MaxMessagesPerBatch"/> messages.
/// </summary>
internal sealed class RecordingServiceBusSender : ServiceBusSender
{
    private readonly object _gate = new();
    private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _stores = new(ReferenceEqualityComparer.Instance);

    public int MaxMessagesPerBatch { get; init; } = int.MaxValue;

    public int BatchesCreated { get; private set; }

    /// <summary>Each sent batch's messages, in send order.</summary>
    public List<IReadOnlyList<ServiceBusMessage>> SentBatches { get; } = [];

    public IEnumerable<ServiceBusMessage> Sent => SentBatches.SelectMany(b => b);

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
        CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options, CancellationToken cancellationToken = default)
    {
        var store = new List<ServiceBusMessage>();
        var batch = ServiceBusModelFactory.ServiceBusMessageBatch(
            batchSizeBytes: 256 * 1024,
            batchMessageStore: store,
            batchOptions: options,
            tryAddCallback: _ => store.Count < MaxMessagesPerBatch);
        lock (_gate)
        {
            _stores[batch] = store;
            BatchesCreated++;
        }

        return ValueTask.FromResult(batch);
    }

    public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            SentBatches.Add([.. _stores[messageBatch]]);
        }

        return Task.CompletedTask;
    }

    public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            SentBatches.Add([message]);
        }

        return Task.CompletedTask;
    }

    public override Task SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            SentBatches.Add([.. messages]);
        }

        return Task.CompletedTask;
    }
}

/// <summary>A <see cref="ServiceBusReceiver"/> that hands out prepared messages and records every settlement.</summary>
internal sealed class RecordingServiceBusReceiver : ServiceBusReceiver
{
    public Queue<IReadOnlyList<ServiceBusReceivedMessage>> ToReceive { get; } = new();

    public List<(int MaxMessages, TimeSpan? MaxWaitTime)> ReceiveCalls { get; } = [];

    public List<ServiceBusReceivedMessage> Completed { get; } = [];

    /// <summary>
    /// What a peek sees (peeking settles nothing), in sequence-number order. As the SDK's receiver does, a peek without a
    /// sequence number goes on after the last message peeked.
    /// </summary>
    public List<ServiceBusReceivedMessage> ToPeek { get; } = [];

    /// <summary>The sequence number each peek started from (null: from the last one peeked).</summary>
    public List<long?> PeekCalls { get; } = [];

    private long _lastPeeked;

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekMessagesAsync(int maxMessages, long? fromSequenceNumber = null, CancellationToken cancellationToken = default)
    {
        PeekCalls.Add(fromSequenceNumber);
        var from = fromSequenceNumber ?? _lastPeeked + 1;
        var peeked = ToPeek.Where(m => m.SequenceNumber >= from).Take(maxMessages).ToList();
        if (peeked.Count > 0)
        {
            _lastPeeked = peeked[^1].SequenceNumber;
        }

        return Task.FromResult<IReadOnlyList<ServiceBusReceivedMessage>>(peeked);
    }

    public override async Task<ServiceBusReceivedMessage> PeekMessageAsync(long? fromSequenceNumber = null, CancellationToken cancellationToken = default) =>
        (await PeekMessagesAsync(1, fromSequenceNumber, cancellationToken)).FirstOrDefault()!;

    public List<(ServiceBusReceivedMessage Message, string? Reason, string? Description)> DeadLettered { get; } = [];

    /// <summary>Every settlement call of any kind (complete, abandon, defer, dead-letter, lock renewal), by name.</summary>
    public List<string> Settlements { get; } = [];

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null, CancellationToken cancellationToken = default)
    {
        ReceiveCalls.Add((maxMessages, maxWaitTime));
        return Task.FromResult(ToReceive.TryDequeue(out var next) ? next : (IReadOnlyList<ServiceBusReceivedMessage>)[]);
    }

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        Settlements.Add("complete");
        Completed.Add(message);
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken cancellationToken = default)
    {
        Settlements.Add("deadletter");
        DeadLettered.Add((message, deadLetterReason, deadLetterErrorDescription));
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
    {
        Settlements.Add("deadletter");
        DeadLettered.Add((message, null, null));
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(
        ServiceBusReceivedMessage message,
        IDictionary<string, object> propertiesToModify,
        string deadLetterReason,
        string? deadLetterErrorDescription = null,
        CancellationToken cancellationToken = default)
    {
        Settlements.Add("deadletter");
        DeadLettered.Add((message, deadLetterReason, deadLetterErrorDescription));
        return Task.CompletedTask;
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
    {
        Settlements.Add("abandon");
        return Task.CompletedTask;
    }

    public override Task DeferMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken cancellationToken = default)
    {
        Settlements.Add("defer");
        return Task.CompletedTask;
    }

    public override Task RenewMessageLockAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        Settlements.Add("renew");
        return Task.CompletedTask;
    }
}

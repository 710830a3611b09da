using Alerts.Core.Delivery;
using Alerts.Core.Matching;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>
/// An <see cref="IAlertQueue"/> that records every call and hands out the messages put into <see cref="Pending"/>.
/// Enqueues may come from several threads at once (changes fanned out together); the other calls come one at a time.
/// </summary>
internal sealed class InMemoryAlertQueue : IAlertQueue
{
    public int MaxRecipientsPerMessage { get; set; } = 1000;

    public List<IReadOnlyList<AlertsMatched>> EnqueueCalls { get; } = [];

    public IEnumerable<AlertsMatched> Enqueued
    {
        get
        {
            lock (EnqueueCalls)
            {
                return EnqueueCalls.SelectMany(batch => batch).ToList();
            }
        }
    }

    public Queue<ReceivedAlerts> Pending { get; } = new();

    public List<int> ReceiveRequests { get; } = [];

    public List<ReceivedAlerts> Completed { get; } = [];

    public List<(ReceivedAlerts Message, TimeSpan Delay)> Retried { get; } = [];

    public List<(ReceivedAlerts Message, string Reason)> DeadLettered { get; } = [];

    /// <summary>When set, an enqueue of messages it returns true for fails (as an unreachable queue would), recording nothing.</summary>
    public Func<IReadOnlyList<AlertsMatched>, bool>? FailEnqueue { get; set; }

    public Task EnqueueAsync(IReadOnlyList<AlertsMatched> messages, CancellationToken cancellationToken)
    {
        if (FailEnqueue?.Invoke(messages) == true)
        {
            throw new InvalidOperationException("The queue is unreachable.");
        }

        lock (EnqueueCalls)
        {
            EnqueueCalls.Add(messages.ToList());
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReceivedAlerts>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ReceiveRequests.Add(maxMessages);
        var batch = new List<ReceivedAlerts>();
        while (batch.Count < maxMessages && Pending.TryDequeue(out var message))
        {
            batch.Add(message);
        }

        return Task.FromResult<IReadOnlyList<ReceivedAlerts>>(batch);
    }

    public Task CompleteAsync(ReceivedAlerts message, CancellationToken cancellationToken)
    {
        Completed.Add(message);
        return Task.CompletedTask;
    }

    public Task RetryLaterAsync(ReceivedAlerts message, TimeSpan delay, CancellationToken cancellationToken)
    {
        Retried.Add((message, delay));
        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(ReceivedAlerts message, string reason, CancellationToken cancellationToken)
    {
        DeadLettered.Add((message, reason));
        return Task.CompletedTask;
    }
}

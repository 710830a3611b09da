using Alerts.Core.Matching;

namespace Alerts.Core.Delivery;

/// <summary>A message the dispatcher gave up on, with the reason.</summary>
public sealed record DeadLetter(string MessageId, string Reason, int DeliveryCount, DateTimeOffset? EnqueuedAt, IReadOnlyList<AlertsMatched>? Alerts);

/// <summary>How the alert queue is doing, for the health route.</summary>
public sealed record AlertQueueStats(long Pending, long DeadLettered, DateTimeOffset? OldestPendingEnqueuedAt);

/// <summary>The operator's side of the alert queue: what was given up on, putting it back, and the queue's depth.</summary>
public interface IDeadLetterQueue
{
    Task<IReadOnlyList<DeadLetter>> PeekDeadLettersAsync(int max, CancellationToken cancellationToken);

    /// <summary>Moves up to <paramref name="max"/> dead letters back onto the alert queue; returns how many. The sent log keeps anyone from being emailed twice.</summary>
    Task<int> ReplayDeadLettersAsync(int max, CancellationToken cancellationToken);

    Task<AlertQueueStats> GetStatsAsync(CancellationToken cancellationToken);
}

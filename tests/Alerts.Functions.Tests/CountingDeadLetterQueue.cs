using Alerts.Core.Delivery;

namespace Alerts.Functions.Tests;

/// <summary>The app's real dead-letter queue, counting how often its depth is read (each read peeks the queues).</summary>
internal sealed class CountingDeadLetterQueue(IDeadLetterQueue inner) : IDeadLetterQueue
{
    private int _statsReads;

    public int StatsReads => Volatile.Read(ref _statsReads);

    public Task<IReadOnlyList<DeadLetter>> PeekDeadLettersAsync(int max, CancellationToken cancellationToken) =>
        inner.PeekDeadLettersAsync(max, cancellationToken);

    public Task<int> ReplayDeadLettersAsync(int max, CancellationToken cancellationToken) =>
        inner.ReplayDeadLettersAsync(max, cancellationToken);

    public Task<AlertQueueStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _statsReads);
        return inner.GetStatsAsync(cancellationToken);
    }
}

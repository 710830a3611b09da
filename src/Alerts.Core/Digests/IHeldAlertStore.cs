namespace Alerts.Core.Digests;

/// <summary>
/// Alerts held for a digest (a partition per subscriber, a row per alert id) and the due index that the digest job
/// reads (a partition per due minute, a row per subscriber).
/// </summary>
public interface IHeldAlertStore
{
    /// <summary>
    /// Holds the alert (an insert keyed by its alert id: holding it again changes nothing), then writes its subscriber's
    /// due row for <see cref="HeldAlert.DueAt"/> (always a new version, so that a job that read the row before will not remove it).
    /// </summary>
    Task HoldAsync(HeldAlert alert, CancellationToken cancellationToken);

    /// <summary>Due rows whose minute has come, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<DueDigest>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Everything held for one subscriber.</summary>
    Task<HeldAlerts> ReadAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Writes the batch down; false when another batch is already written (another job got there first).</summary>
    Task<bool> StartBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken);

    /// <summary>Removes the batch's alerts, then the batch itself (last, so that a crash half-way leaves it to finish).</summary>
    Task CompleteBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken);

    /// <summary>Removes these alerts unsent (unsubscribed, paused), and the batch row when <paramref name="withBatch"/>.</summary>
    Task DropAsync(string subscriptionId, IReadOnlyCollection<string> alertIds, bool withBatch, CancellationToken cancellationToken);

    /// <summary>Removes the due row if it is still at <see cref="DueDigest.Version"/>; false when it changed (an alert held since).</summary>
    Task<bool> RemoveDueAsync(DueDigest due, CancellationToken cancellationToken);
}

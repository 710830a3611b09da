using Alerts.Core.Digests;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The held-alert store of the Functions app: holding an alert also asks for a wake-up of the digest job at its due
/// minute (<see cref="IDigestWakeUp"/>). The alert is held first; a failed wake-up fails the hold, so the alert's
/// message is retried rather than left without a wake-up (holding again changes nothing).
/// </summary>
internal sealed class WakingHeldAlertStore(IHeldAlertStore inner, IDigestWakeUp wakeUp) : IHeldAlertStore
{
    public async Task HoldAsync(HeldAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        await inner.HoldAsync(alert, cancellationToken);
        await wakeUp.WakeAtAsync(alert.DueAt, cancellationToken);
    }

    public Task<IReadOnlyList<DueDigest>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        inner.GetDueAsync(now, max, cancellationToken);

    public Task<HeldAlerts> ReadAsync(string subscriptionId, CancellationToken cancellationToken) =>
        inner.ReadAsync(subscriptionId, cancellationToken);

    public Task<bool> StartBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken) =>
        inner.StartBatchAsync(subscriptionId, batch, cancellationToken);

    public Task CompleteBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken) =>
        inner.CompleteBatchAsync(subscriptionId, batch, cancellationToken);

    public Task DropAsync(string subscriptionId, IReadOnlyCollection<string> alertIds, bool withBatch, CancellationToken cancellationToken) =>
        inner.DropAsync(subscriptionId, alertIds, withBatch, cancellationToken);

    public Task<bool> RemoveDueAsync(DueDigest due, CancellationToken cancellationToken) =>
        inner.RemoveDueAsync(due, cancellationToken);
}

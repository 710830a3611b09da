using Alerts.Core.Digests;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>
/// Held alerts, due rows and hourly counts in memory, with the Table store's rules (idempotent hold, versioned due rows).
/// The dispatcher routes recipients concurrently: the writes it makes (hold, count) take one lock.
/// </summary>
internal sealed class InMemoryHeldAlertStore : IHeldAlertStore, IHourlySendCounter
{
    private readonly Lock _gate = new();
    private int _version;

    public Dictionary<(string SubscriptionId, string AlertId), HeldAlert> Alerts { get; } = [];

    public Dictionary<string, DigestBatch> Batches { get; } = new(StringComparer.Ordinal);

    public Dictionary<(DateTimeOffset DueAt, string SubscriptionId), string> Due { get; } = [];

    public Dictionary<string, (DateTimeOffset Hour, List<string> AlertIds)> Hours { get; } = new(StringComparer.Ordinal);

    public Task HoldAsync(HeldAlert alert, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!Alerts.TryAdd((alert.SubscriptionId, alert.AlertId), alert))
            {
                alert = Alerts[(alert.SubscriptionId, alert.AlertId)];
            }

            Due[(alert.DueAt, alert.SubscriptionId)] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<DueDigest>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DueDigest>>(Due
            .Where(d => d.Key.DueAt <= now)
            .OrderBy(d => d.Key.DueAt)
            .Take(max)
            .Select(d => new DueDigest(d.Key.SubscriptionId, d.Key.DueAt, d.Value))
            .ToList());

    public Task<HeldAlerts> ReadAsync(string subscriptionId, CancellationToken cancellationToken) =>
        Task.FromResult(new HeldAlerts(
            Alerts.Values.Where(a => a.SubscriptionId == subscriptionId).ToList(),
            Batches.GetValueOrDefault(subscriptionId)));

    public Task<bool> StartBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken) =>
        Task.FromResult(Batches.TryAdd(subscriptionId, batch));

    public Task CompleteBatchAsync(string subscriptionId, DigestBatch batch, CancellationToken cancellationToken) =>
        DropAsync(subscriptionId, batch.AlertIds.ToList(), withBatch: true, cancellationToken);

    public Task DropAsync(string subscriptionId, IReadOnlyCollection<string> alertIds, bool withBatch, CancellationToken cancellationToken)
    {
        foreach (var id in alertIds)
        {
            Alerts.Remove((subscriptionId, id));
        }

        if (withBatch)
        {
            Batches.Remove(subscriptionId);
        }

        return Task.CompletedTask;
    }

    public Task<bool> RemoveDueAsync(DueDigest due, CancellationToken cancellationToken) =>
        Task.FromResult(Due.TryGetValue((due.DueAt, due.SubscriptionId), out var version) && version == due.Version && Due.Remove((due.DueAt, due.SubscriptionId)));

    public Task<int> CountAsync(string subscriptionId, DateTimeOffset hourStart, int max, string alertId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Count(subscriptionId, hourStart, max, alertId));
        }
    }

    private int Count(string subscriptionId, DateTimeOffset hourStart, int max, string alertId)
    {
        var (hour, ids) = Hours.TryGetValue(subscriptionId, out var row) && row.Hour == hourStart ? row : (hourStart, new List<string>());
        var index = ids.IndexOf(alertId);
        if (index >= 0)
        {
            return index;
        }

        if (ids.Count >= max)
        {
            return ids.Count;
        }

        ids.Add(alertId);
        Hours[subscriptionId] = (hour, ids);
        return ids.Count - 1;
    }
}

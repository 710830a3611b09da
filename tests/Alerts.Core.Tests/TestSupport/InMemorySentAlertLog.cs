using Alerts.Core.Delivery;
using Alerts.Core.Matching;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>The sent log in memory; safe for the dispatcher's concurrent claims and marks (one lock).</summary>
internal sealed class InMemorySentAlertLog : ISentAlertLog
{
    private readonly Lock _gate = new();

    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromSeconds(new DeliveryOptions().ClaimTimeoutSeconds);

    /// <summary>Alerts marked sent.</summary>
    public Dictionary<string, (string SubscriptionId, DateTimeOffset SentAt)> Records { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Refused { get; } = new(StringComparer.Ordinal);

    /// <summary>Alerts claimed and not yet marked or released, with the time of the claim.</summary>
    public Dictionary<string, DateTimeOffset> Claims { get; } = new(StringComparer.Ordinal);

    /// <summary>The calls claiming or marking many alerts at once: how many alerts each carried, in order.</summary>
    public List<int> ClaimBatches { get; } = [];

    public List<int> MarkBatches { get; } = [];

    /// <summary>What the redelivered flag of each alert claimed many at a time said, by alert id.</summary>
    public Dictionary<string, bool> ClaimedAsRedelivered { get; } = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<SendClaim>> TryClaimAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ClaimBatches.Add(alerts.Count);
            foreach (var alert in alerts)
            {
                ClaimedAsRedelivered[alert.AlertId] = alert.Redelivered;
            }
        }

        var claims = new List<SendClaim>(alerts.Count);
        foreach (var alert in alerts)
        {
            claims.Add(await TryClaimAsync(alert.AlertId, alert.SubscriptionId, now, cancellationToken));
        }

        return claims;
    }

    public async Task MarkSentAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            MarkBatches.Add(alerts.Count);
        }

        foreach (var alert in alerts)
        {
            await MarkSentAsync(alert.AlertId, alert.SubscriptionId, sentAt, cancellationToken);
        }
    }

    public Task<SendClaim> TryClaimAsync(string alertId, string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Records.ContainsKey(alertId) || Refused.ContainsKey(alertId) || Held.Contains(alertId))
            {
                return Task.FromResult(SendClaim.AlreadySent);
            }

            if (Claims.TryGetValue(alertId, out var claimedAt) && now - claimedAt < ClaimTimeout)
            {
                return Task.FromResult(SendClaim.Busy);
            }

            Claims[alertId] = now;
            return Task.FromResult(SendClaim.Claimed);
        }
    }

    public Task MarkSentAsync(string alertId, string subscriptionId, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Claims.Remove(alertId);
            Records[alertId] = (subscriptionId, sentAt);
            return Task.CompletedTask;
        }
    }

    public Task MarkRefusedAsync(string alertId, string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Claims.Remove(alertId);
            Refused[alertId] = reason;
            return Task.CompletedTask;
        }
    }

    /// <summary>Alerts marked held for a digest.</summary>
    public HashSet<string> Held { get; } = new(StringComparer.Ordinal);

    public Task MarkHeldAsync(string alertId, string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Claims.Remove(alertId);
            Held.Add(alertId);
            return Task.CompletedTask;
        }
    }

    public Task ReleaseAsync(string alertId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Claims.Remove(alertId);
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlySet<string>> WhoWasSentAsync(string changeId, IReadOnlyList<string> subscriptionIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlySet<string> sent = subscriptionIds
                .Where(id => AlertIds.For(changeId, id) is var alertId && (Records.ContainsKey(alertId) || Held.Contains(alertId) || Claims.ContainsKey(alertId)))
                .ToHashSet(StringComparer.Ordinal);
            return Task.FromResult(sent);
        }
    }
}

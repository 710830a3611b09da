namespace Alerts.Core.Digests;

/// <summary>
/// The alerts one digest email carries, written down before it is sent: a rerun after a crash sends (or finishes)
/// exactly this digest, whatever was held since. <see cref="DigestId"/> is derived from the subscription and the alert
/// ids, and is the digest's key in the sent log.
/// </summary>
public sealed record DigestBatch(string DigestId, IReadOnlyList<string> AlertIds, DateTimeOffset StartedAt)
{
    public static DigestBatch For(string subscriptionId, IEnumerable<string> alertIds, DateTimeOffset now)
    {
        var ids = alertIds.Order(StringComparer.Ordinal).ToList();
        return new DigestBatch(Ids.Digest($"digest|{subscriptionId}|{string.Join(',', ids)}", 32), ids, now);
    }
}

/// <summary>What is held for one subscriber: the alerts, and the digest being sent, if any.</summary>
public sealed record HeldAlerts(IReadOnlyList<HeldAlert> Alerts, DigestBatch? Batch)
{
    public static readonly HeldAlerts None = new([], null);
}

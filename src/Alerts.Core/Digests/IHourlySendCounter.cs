namespace Alerts.Core.Digests;

/// <summary>Instant emails per subscriber and clock hour, kept only for subscribers with a cap.</summary>
public interface IHourlySendCounter
{
    /// <summary>
    /// Counts <paramref name="alertId"/> in the hour that began at <paramref name="hourStart"/>, unless <paramref name="max"/>
    /// alerts were already counted there, and returns how many other alerts were counted before it. Counting the same
    /// alert again (a redelivered message) returns the same number and counts nothing.
    /// </summary>
    Task<int> CountAsync(string subscriptionId, DateTimeOffset hourStart, int max, string alertId, CancellationToken cancellationToken);
}

namespace Alerts.Core.Delivery;

/// <summary>What claiming an alert before sending it found.</summary>
public enum SendClaim
{
    /// <summary>Ours to send now.</summary>
    Claimed,

    /// <summary>Sent (or refused for good) before: skip it.</summary>
    AlreadySent,

    /// <summary>Another dispatcher claimed it moments ago and may be sending it: try again later.</summary>
    Busy,
}

/// <summary>One alert to claim or mark in the sent log.</summary>
/// <param name="Redelivered">From a message delivered before (it may have been claimed under an earlier layout of the log).</param>
public sealed record SentAlert(string AlertId, string SubscriptionId, bool Redelivered = false);

/// <summary>
/// The sent log, by alert id: an alert is claimed (a conditional insert) before its email is handed to the carrier,
/// and marked sent after, so two dispatchers holding copies of one message never both send it, and a redelivered
/// message skips what was sent. A claim left behind by a crash expires after <see cref="DeliveryOptions.ClaimTimeoutSeconds"/>,
/// and the alert is then sent (at least once beats never, for the rare crash between the carrier's yes and the mark).
/// </summary>
public interface ISentAlertLog
{
    Task<SendClaim> TryClaimAsync(string alertId, string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken);

    Task MarkSentAsync(string alertId, string subscriptionId, DateTimeOffset sentAt, CancellationToken cancellationToken);

    /// <summary>
    /// Claims many alerts at once (each as <see cref="TryClaimAsync(string, string, DateTimeOffset, CancellationToken)"/>),
    /// in order; a store may write them together (Table Storage: one transaction per partition of the log).
    /// </summary>
    async Task<IReadOnlyList<SendClaim>> TryClaimAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claims = new SendClaim[alerts.Count];
        for (var i = 0; i < alerts.Count; i++)
        {
            claims[i] = await TryClaimAsync(alerts[i].AlertId, alerts[i].SubscriptionId, now, cancellationToken);
        }

        return claims;
    }

    /// <summary>Marks many alerts sent at once (see the claim of many).</summary>
    async Task MarkSentAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        foreach (var alert in alerts)
        {
            await MarkSentAsync(alert.AlertId, alert.SubscriptionId, sentAt, cancellationToken);
        }
    }

    /// <summary>The carrier refused the alert for good (e.g. an invalid address): it is not tried again.</summary>
    Task MarkRefusedAsync(string alertId, string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// The alert was held for a digest (see <see cref="Digests.DeliveryRouter"/>): it is not claimed, held or sent on its
    /// own again; the digest that carries it marks it sent.
    /// </summary>
    Task MarkHeldAsync(string alertId, string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Gives the claim up after a transient failure, so that the retry can claim it.</summary>
    Task ReleaseAsync(string alertId, CancellationToken cancellationToken);

    /// <summary>Of <paramref name="subscriptionIds"/>, those who were sent (or are being sent) the alert of change <paramref name="changeId"/>.</summary>
    Task<IReadOnlySet<string>> WhoWasSentAsync(string changeId, IReadOnlyList<string> subscriptionIds, CancellationToken cancellationToken);
}

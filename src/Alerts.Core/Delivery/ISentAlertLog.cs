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
public sealed record SentAlert(string AlertId, string SubscriptionId, bool Redelivered = false)
{
    /// <summary>The change it alerts of, when it is one change's alert: a store may then record the change's recipients together.</summary>
    public string? ChangeId { get; init; }
}

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
    /// in order; a store writes them together (Table Storage: the alerts of one change in its rows, a few transactions).
    /// </summary>
    Task<IReadOnlyList<SendClaim>> TryClaimAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks many alerts sent at once (see the claim of many).</summary>
    Task MarkSentAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset sentAt, CancellationToken cancellationToken);

    /// <summary>The carrier refused the alert for good (e.g. an invalid address): it is not tried again.</summary>
    Task MarkRefusedAsync(string alertId, string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Marks many alerts refused (or skipped) for good at once, for one reason (see the claim of many).</summary>
    Task MarkRefusedAsync(IReadOnlyList<SentAlert> alerts, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// The alert was held for a digest (see <see cref="Digests.DeliveryRouter"/>): it is not claimed, held or sent on its
    /// own again; the digest that carries it marks it sent.
    /// </summary>
    Task MarkHeldAsync(string alertId, string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Gives the claim up after a transient failure, so that the retry can claim it.</summary>
    Task ReleaseAsync(string alertId, CancellationToken cancellationToken);

    /// <summary>Gives many claims up at once (see the claim of many).</summary>
    Task ReleaseAsync(IReadOnlyList<SentAlert> alerts, CancellationToken cancellationToken);

    /// <summary>Of <paramref name="subscriptionIds"/>, those who were sent (or are being sent) the alert of change <paramref name="changeId"/>.</summary>
    Task<IReadOnlySet<string>> WhoWasSentAsync(string changeId, IReadOnlyList<string> subscriptionIds, CancellationToken cancellationToken);
}

using Alerts.Core.Security;
using Microsoft.Extensions.Logging;

namespace Alerts.Core.Subscriptions;

/// <summary>
/// Deletes the subscriptions never confirmed whose confirmation link has expired (<see cref="LinkTokens.ConfirmLifetime"/>):
/// nobody can confirm them any more, and they count against their mailbox's cap. Run on a timer, at most once an hour
/// (<c>PURGE_SCHEDULE</c> in the Functions app; the local runner runs it hourly).
/// </summary>
public sealed partial class UnconfirmedSubscriptionPurger(ISubscriptionStore store, TimeProvider time, ILogger<UnconfirmedSubscriptionPurger> logger)
{
    /// <summary>Deletes what has expired; returns how many subscriptions were deleted.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var expired = time.GetUtcNow() - LinkTokens.ConfirmLifetime;
        var purged = 0;
        await foreach (var subscription in store.GetUnconfirmedAsync(expired, cancellationToken))
        {
            await store.DeleteAsync(subscription, cancellationToken);
            purged++;
        }

        if (purged > 0)
        {
            LogPurged(purged);
        }

        return purged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} subscriptions never confirmed whose link had expired")]
    private partial void LogPurged(int count);
}

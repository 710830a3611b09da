using Alerts.Core.Subscriptions;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>Deletes unconfirmed subscriptions whose link has expired (<c>PURGE_SCHEDULE</c>, default hourly).</summary>
public sealed class PurgeUnconfirmedFunction(UnconfirmedSubscriptionPurger purger)
{
    [Function("PurgeUnconfirmed")]
    public Task RunAsync([TimerTrigger("%PURGE_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) => purger.PurgeAsync(cancellationToken);
}

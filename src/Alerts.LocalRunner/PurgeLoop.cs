using Alerts.Core.Subscriptions;

namespace Alerts.LocalRunner;

/// <summary>The local runner's stand-in for the purge timer: hourly, delete unconfirmed subscriptions whose link has expired.</summary>
internal sealed class PurgeLoop(UnconfirmedSubscriptionPurger purger, TimeProvider time, ILogger<PurgeLoop> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    protected override string Name => "The purge of unconfirmed subscriptions";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => purger.PurgeAsync(cancellationToken);
}

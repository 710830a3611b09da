using Alerts.Core.Ingest;

namespace Alerts.LocalRunner;

/// <summary>The local runner's stand-in for the <c>SweepPendingChanges</c> timer: every 5 minutes, finish what a lost fan-out message left pending.</summary>
internal sealed class SweepLoop(PendingChangeSweep sweep, TimeProvider time, ILogger<SweepLoop> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromMinutes(5);

    protected override string Name => "The pending-change sweep";

    // The sweep logs what it did.
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => sweep.SweepAsync(cancellationToken);
}

using Alerts.Core.Ingest;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>Finishes changes a lost fan-out message left pending (<c>SWEEP_SCHEDULE</c>, default every 5 minutes; see <see cref="PendingChangeSweep"/>).</summary>
public sealed class SweepPendingChangesFunction(PendingChangeSweep sweep)
{
    [Function("SweepPendingChanges")]
    public Task RunAsync([TimerTrigger("%SWEEP_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) => sweep.SweepAsync(cancellationToken);
}

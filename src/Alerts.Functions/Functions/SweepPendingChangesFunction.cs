using Alerts.Core.Ingest;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Alerts.Functions.Functions;

/// <summary>Finishes changes a lost fan-out message left pending (<c>SWEEP_SCHEDULE</c>, default every 5 minutes; see <see cref="PendingChangeSweep"/>).</summary>
public sealed partial class SweepPendingChangesFunction(PendingChangeSweep sweep, ILogger<SweepPendingChangesFunction> logger)
{
    [Function("SweepPendingChanges")]
    public async Task RunAsync([TimerTrigger("%SWEEP_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var summary = await sweep.SweepAsync(cancellationToken);
        if (summary.DidWork)
        {
            LogSwept(summary.Tickers, summary.Dispatched, summary.Failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep: {Tickers} tickers looked at, {Dispatched} pending changes fanned out, {Failed} tickers failed")]
    private partial void LogSwept(int tickers, int dispatched, int failed);
}

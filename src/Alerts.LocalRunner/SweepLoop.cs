using Alerts.Core.Ingest;

namespace Alerts.LocalRunner;

/// <summary>The local runner's stand-in for the <c>SweepPendingChanges</c> timer: every 5 minutes, finish what a lost fan-out message left pending.</summary>
internal sealed partial class SweepLoop(PendingChangeSweep sweep, TimeProvider time, ILogger<SweepLoop> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromMinutes(5);

    protected override string Name => "The pending-change sweep";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
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

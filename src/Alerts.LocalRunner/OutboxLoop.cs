using Alerts.Core.Ingest;

namespace Alerts.LocalRunner;

/// <summary>The local runner's stand-in for the outbox timer: every 10 seconds, finish what a crash interrupted.</summary>
internal sealed partial class OutboxLoop(OutboxRedriver redriver, TimeProvider time, ILogger<OutboxLoop> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(10);

    protected override string Name => "The outbox re-driver";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var summary = await redriver.RedriveAsync(1000, cancellationToken);
        if (summary.DidWork)
        {
            LogRedriven(summary.Tickers, summary.Dispatched, summary.TooOld, summary.Failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: {Tickers} tickers looked at, {Dispatched} changes re-driven, {TooOld} too old, {Failed} failed")]
    private partial void LogRedriven(int tickers, int dispatched, int tooOld, int failed);
}

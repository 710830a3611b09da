using Alerts.Core.Ingest;

namespace Alerts.LocalRunner;

/// <summary>The local runner's stand-in for the outbox timer: every 10 seconds, finish what a crash interrupted.</summary>
internal sealed partial class OutboxLoop(OutboxRedriver redriver, ILogger<OutboxLoop> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var summary = await redriver.RedriveAsync(1000, stoppingToken);
                if (summary.Entries > 0)
                {
                    LogRedriven(summary.Entries, summary.Dispatched, summary.AlreadyDone, summary.NeverStored, summary.Failed);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: {Entries} entries, {Dispatched} re-driven, {AlreadyDone} already done, {NeverStored} never stored, {Failed} failed")]
    private partial void LogRedriven(int entries, int dispatched, int alreadyDone, int neverStored, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox re-driver could not run: {Reason}")]
    private partial void LogFailed(string reason);
}

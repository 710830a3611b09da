using Alerts.Core.Delivery;

namespace Alerts.LocalRunner;

/// <summary>
/// The local runner's stand-in for the Functions timer: drains the alert queue as soon as alerts are enqueued
/// in this process (and every 2 seconds, for anything enqueued elsewhere or due for a retry).
/// </summary>
internal sealed partial class DispatcherLoop(AlertDispatcher dispatcher, DispatchSignal signal, ILogger<DispatcherLoop> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var summary = await dispatcher.DrainAsync(TimeSpan.FromSeconds(30), stoppingToken);
                if (summary.Messages > 0)
                {
                    LogDrained(summary.Sent, summary.AlreadySent, summary.Refused, summary.Retried, summary.DeadLettered);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage down, most likely: the messages stay queued; try again on the next tick.
                LogFailed(ex.Message);
            }

            try
            {
                await signal.WaitAsync(Tick, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Emails: {Sent} sent, {AlreadySent} already sent, {Refused} refused, {Retried} to retry, {DeadLettered} dead-lettered")]
    private partial void LogDrained(int sent, int alreadySent, int refused, int retried, int deadLettered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dispatcher could not drain the queue: {Reason}")]
    private partial void LogFailed(string reason);
}

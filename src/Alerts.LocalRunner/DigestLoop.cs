using Alerts.Core.Digests;

namespace Alerts.LocalRunner;

/// <summary>The local runner's stand-in for the <c>SendDigests</c> timer: every 15 seconds, send the digests that are due.</summary>
internal sealed partial class DigestLoop(DigestSender digests, ILogger<DigestLoop> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var summary = await digests.SendDueAsync(2000, stoppingToken);
                if (summary.Subscribers > 0)
                {
                    LogSent(summary.Subscribers, summary.Sent, summary.Alerts, summary.Dropped, summary.Retried);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digests: {Subscribers} subscribers due, {Sent} digests sent carrying {Alerts} alerts, {Dropped} alerts dropped, {Retried} retried")]
    private partial void LogSent(int subscribers, int sent, int alerts, int dropped, int retried);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The digest job could not run: {Reason}")]
    private partial void LogFailed(string reason);
}

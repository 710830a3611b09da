using Alerts.Core.Digests;

namespace Alerts.LocalRunner;

/// <summary>The local runner's stand-in for the <c>SendDigests</c> timer: every 15 seconds, send the digests that are due.</summary>
internal sealed partial class DigestLoop(DigestSender digests, TimeProvider time, ILogger<DigestLoop> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(15);

    protected override string Name => "The digest job";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var summary = await digests.SendDueAsync(2000, cancellationToken);
        if (summary.Subscribers > 0)
        {
            LogSent(summary.Subscribers, summary.Sent, summary.Alerts, summary.Dropped, summary.Retried);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digests: {Subscribers} subscribers due, {Sent} digests sent carrying {Alerts} alerts, {Dropped} alerts dropped, {Retried} retried")]
    private partial void LogSent(int subscribers, int sent, int alerts, int dropped, int retried);
}

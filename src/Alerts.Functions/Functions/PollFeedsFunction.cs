using Alerts.Core.Feeds;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Alerts.Functions.Functions;

/// <summary>
/// Polls every configured feed on a timer (<c>FEEDS_SCHEDULE</c>, e.g. <c>0 * * * * *</c>: every minute). The poller is the
/// same class the local runner loops on; a failing source is logged by it and skipped, its cursor kept.
/// </summary>
public sealed partial class PollFeedsFunction(FeedPoller poller, ILogger<PollFeedsFunction> logger)
{
    [Function("PollFeeds")]
    public async Task RunAsync([TimerTrigger("%FEEDS_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var summaries = await poller.PollAllAsync(cancellationToken);
        if (summaries.Count == 0)
        {
            return;
        }

        foreach (var summary in summaries.Where(s => s.Succeeded))
        {
            LogSource(summary.Source, summary.Accepted, summary.Corrections, summary.Duplicates, summary.Skipped, summary.FanningOut);
        }

        // A poll that found nothing and met no failure is the common case (every minute, all day): not worth a line.
        var accepted = summaries.Sum(s => s.Accepted);
        var corrections = summaries.Sum(s => s.Corrections);
        var failed = summaries.Count(s => !s.Succeeded);
        if (accepted == 0 && corrections == 0 && failed == 0)
        {
            return;
        }

        LogPolled(
            summaries.Count,
            failed,
            accepted,
            corrections,
            summaries.Sum(s => s.Duplicates),
            summaries.Sum(s => s.Skipped),
            summaries.Sum(s => s.FanningOut));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Source}: {Accepted} new, {Corrections} corrections, {Duplicates} already stored, {Skipped} skipped, {FanningOut} queued for their fan-out")]
    private partial void LogSource(string source, int accepted, int corrections, int duplicates, int skipped, int fanningOut);

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled {Sources} feeds ({Failed} failed): {Accepted} new changes, {Corrections} corrections, {Duplicates} already stored, {Skipped} skipped, {FanningOut} queued for their fan-out")]
    private partial void LogPolled(int sources, int failed, int accepted, int corrections, int duplicates, int skipped, int fanningOut);
}

using Alerts.Core.Feeds;
using Alerts.Infrastructure.Feeds;
using Microsoft.Extensions.Options;

namespace Alerts.LocalRunner;

/// <summary>
/// The local runner's stand-in for the <c>PollFeeds</c> timer: polls every configured feed at once on start, then every
/// <c>Feeds:PollIntervalSeconds</c> (default 60). Does nothing when no feed is configured.
/// </summary>
internal sealed partial class FeedPollingLoop(FeedPoller poller, IOptions<FeedsOptions> options, TimeProvider time, ILogger<FeedPollingLoop> logger)
    : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.PollIntervalSeconds);

    protected override string Name => "The feed poll";

    protected override bool ShouldRun()
    {
        var sources = poller.SourceNames;
        if (sources.Count == 0)
        {
            LogNoFeeds();
            return false;
        }

        LogStarted(sources.Count, string.Join(", ", sources), Interval.TotalSeconds);
        return true;
    }

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        // The poller logs and skips failing sources itself.
        var summaries = await poller.PollAllAsync(cancellationToken);
        foreach (var summary in summaries.Where(s => s.Succeeded && (s.Accepted > 0 || s.Corrections > 0 || s.Skipped > 0)))
        {
            LogPolled(summary.Source, summary.Accepted, summary.Corrections, summary.Duplicates, summary.Skipped, summary.FanningOut);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No feeds configured (Feeds__Sources__0__Name...); none is polled")]
    private partial void LogNoFeeds();

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling {Count} feeds ({Sources}) every {IntervalSeconds} s")]
    private partial void LogStarted(int count, string sources, double intervalSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed {Source}: {Accepted} new, {Corrections} corrections, {Duplicates} already stored, {Skipped} skipped, {FanningOut} queued for their fan-out")]
    private partial void LogPolled(string source, int accepted, int corrections, int duplicates, int skipped, int fanningOut);
}

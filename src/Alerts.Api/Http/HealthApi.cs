using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Feeds;
using Alerts.Core.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Api.Http;

/// <summary>
/// <c>GET /api/health</c>: storage reachable, queue depth, dead letters, age of the oldest undelivered alert, digests
/// overdue, last poll of each feed. 200 when all is well; 503 when storage is unreachable, alerts or digests wait too
/// long, or dead letters wait for an operator.
/// Anonymous callers (uptime monitors, the platform's health check) get only the verdict and when it was reached, from a
/// check an instance reuses for <c>Admin__HealthCacheSeconds</c> (30 s): a caller polling every second costs one set of
/// storage reads and queue peeks per 30 s, not one per call. With an admin key (as on <c>/api/ops</c>) the route checks
/// at once and answers with the details; a wrong key gets 401.
/// </summary>
public sealed partial class HealthApi(
    IRatingChangeStore store,
    IDeadLetterQueue queue,
    FeedPoller feeds,
    IFeedCursorStore cursors,
    IHeldAlertStore held,
    AdminKeys keys,
    IOptionsMonitor<AdminOptions> options,
    TimeProvider time,
    ILogger<HealthApi> logger) : IDisposable
{
    private const string ProbeTicker = "HEALTH-PROBE";

    private readonly SemaphoreSlim _checking = new(1, 1);
    private HealthReport? _last;

    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AdminKeys.IsPresented(request))
        {
            if (!keys.IsAdmin(request))
            {
                return AdminKeys.Refused();
            }

            var report = await CheckAsync(cancellationToken);
            _last = report;
            return TypedResults.Json(report, ApiJsonContext.Default.HealthReport, statusCode: StatusOf(report));
        }

        var recent = await RecentAsync(cancellationToken);
        return TypedResults.Json(new HealthSummary(recent.Status, recent.CheckedAt), ApiJsonContext.Default.HealthSummary, statusCode: StatusOf(recent));
    }

    public void Dispose() => _checking.Dispose();

    private static int StatusOf(HealthReport report) =>
        report.Problems.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;

    /// <summary>The last check while it is younger than the cache time; otherwise one caller checks and the others wait for it.</summary>
    private async Task<HealthReport> RecentAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_last) is { } fresh)
        {
            return fresh;
        }

        await _checking.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(_last) is { } checkedMeanwhile)
            {
                return checkedMeanwhile;
            }

            var report = await CheckAsync(cancellationToken);
            _last = report;
            return report;
        }
        finally
        {
            _checking.Release();
        }
    }

    private HealthReport? Fresh(HealthReport? report) =>
        report is not null && time.GetUtcNow() - report.CheckedAt < TimeSpan.FromSeconds(options.CurrentValue.HealthCacheSeconds) ? report : null;

    private async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var storageReachable = true;
        try
        {
            await store.GetHistoryAsync(ProbeTicker, since: null, limit: 1, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            storageReachable = false;
            problems.Add("storage is unreachable");
            LogProbeFailed("storage", ex.Message);
        }

        AlertQueueStats? stats = null;
        try
        {
            stats = await queue.GetStatsAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            problems.Add("the alert queue is unreachable");
            LogProbeFailed("queue", ex.Message);
        }

        double? oldestAgeSeconds = stats?.OldestPendingEnqueuedAt is { } oldest ? Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds) : null;
        if (oldestAgeSeconds > options.CurrentValue.MaxPendingAgeMinutes * 60)
        {
            problems.Add($"the oldest undelivered alert has waited {oldestAgeSeconds:0} s");
        }

        if (stats is { DeadLettered: > 0 })
        {
            problems.Add($"{stats.DeadLettered} dead letters wait for an operator (GET /api/ops/dead-letters)");
        }

        // Due rows are removed as digests leave: one still there well after its minute means the SendDigests job is
        // not running or keeps failing. One range read of the due index, at most 1000 rows.
        int? overdueDigests = null;
        try
        {
            overdueDigests = (await held.GetDueAsync(time.GetUtcNow().AddMinutes(-options.CurrentValue.MaxPendingAgeMinutes), 1000, cancellationToken)).Count;
            if (overdueDigests > 0)
            {
                problems.Add($"{overdueDigests} digests are overdue by more than {options.CurrentValue.MaxPendingAgeMinutes} minutes (is the SendDigests job running?)");
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogProbeFailed("digests", ex.Message);
        }

        var feedReports = new List<FeedHealth>();
        foreach (var source in feeds.SourceNames)
        {
            DateTimeOffset? lastPoll = null;
            try
            {
                lastPoll = await cursors.GetLastPollAsync(source, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogProbeFailed("feed " + source, ex.Message);
            }

            double? age = lastPoll is { } at ? Math.Round(Math.Max(0, (time.GetUtcNow() - at).TotalSeconds), 1) : null;
            if (age > options.CurrentValue.MaxFeedPollAgeMinutes * 60)
            {
                problems.Add($"feed {source} last polled successfully {age:0} s ago");
            }

            var problem = feeds.ProblemOf(source);
            if (problem is not null)
            {
                problems.Add($"feed {source}: {problem}");
            }

            feedReports.Add(new FeedHealth(source, lastPoll, age, problem));
        }

        return new HealthReport(
            problems.Count == 0 ? "healthy" : "unhealthy",
            problems,
            storageReachable,
            stats?.Pending,
            stats?.DeadLettered,
            oldestAgeSeconds is { } oldestAge ? Math.Round(oldestAge, 1) : null,
            feedReports,
            time.GetUtcNow(),
            overdueDigests);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probe of {Part} failed: {Reason}")]
    private partial void LogProbeFailed(string part, string reason);
}

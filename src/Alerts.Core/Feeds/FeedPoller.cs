using Alerts.Core.Diagnostics;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Core.Feeds;

/// <summary>
/// Polls every configured source once: reads its cursor, polls it, ingests what it read through
/// <see cref="RatingIngestService"/> (so feeds and the webhook share normalization, de-duplication and matching), and
/// only then saves the new cursor. A source that fails is logged and skipped with its cursor kept; the others are
/// polled all the same. Changes carry <c>source</c> = the source's name and the vendor's record id, so reading a record
/// again (an overlapping window, a re-poll after a crash before the cursor was saved) stores and alerts nothing twice,
/// and a record the vendor changed later is stored as a correction of the first version, alerting nobody again.
/// </summary>
public sealed partial class FeedPoller
{
    private readonly IReadOnlyList<IFeedSource> _sources;
    private readonly IFeedCursorStore _cursors;
    private readonly RatingIngestService _ingest;
    private readonly TimeProvider _time;
    private readonly ILogger<FeedPoller> _logger;
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _problems = new(StringComparer.Ordinal);

    public FeedPoller(
        IEnumerable<IFeedSource> sources,
        IFeedCursorStore cursors,
        RatingIngestService ingest,
        TimeProvider time,
        ILogger<FeedPoller> logger)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = sources.ToList();
        _cursors = cursors;
        _ingest = ingest;
        _time = time;
        _logger = logger;
    }

    /// <summary>The names of the configured sources; empty when no feed is configured.</summary>
    public IReadOnlyList<string> SourceNames => _sources.Select(s => s.Name).ToList();

    /// <summary>
    /// Why a source is not being read, for <c>/api/health</c>: a provider that refused its key (401/402/403, e.g. "this
    /// endpoint needs a paid plan") and when it is tried again. Null while the source is read normally.
    /// </summary>
    public string? ProblemOf(string source) => _problems.TryGetValue(source, out var problem) ? problem : null;

    /// <summary>
    /// Polls every source (concurrently: a slow or rate-limited source does not hold up the others) and returns what
    /// each did. Never throws for a failing source; throws only when cancelled. A call made while another is still
    /// running in this process returns nothing rather than polling the same sources twice at once.
    /// </summary>
    public async Task<IReadOnlyList<FeedPollSummary>> PollAllAsync(CancellationToken cancellationToken)
    {
        if (!await _running.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            LogStillRunning();
            return [];
        }

        try
        {
            return await Task.WhenAll(_sources.Select(source => PollAsync(source, cancellationToken)));
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<FeedPollSummary> PollAsync(IFeedSource source, CancellationToken cancellationToken)
    {
        string? cursor = null;
        try
        {
            cursor = await _cursors.GetAsync(source.Name, cancellationToken);
            var poll = await source.PollAsync(cursor, cancellationToken);

            var skipped = poll.Skipped;
            var valid = new List<RatingChangeSubmission>(poll.Changes.Count);
            foreach (var submission in poll.Changes)
            {
                if (SubmissionRules.Check(submission with { Source = source.Name }, _time, out var problem) is { } checkedSubmission)
                {
                    valid.Add(checkedSubmission);
                }
                else
                {
                    skipped++;
                    LogRecordSkipped(source.Name, submission.SenderId, problem);
                }
            }

            int accepted = 0, corrections = 0, duplicates = 0, matched = 0;
            foreach (var chunk in valid.Chunk(IngestLimits.MaxChanges))
            {
                var result = await _ingest.IngestAsync(chunk, dryRun: false, cancellationToken, AlertsTelemetry.FeedOrigin(source.Name));
                var corrected = result.Changes.Count(c => !c.Duplicate && c.Change.CorrectionOf is not null);
                accepted += result.Accepted - corrected;
                corrections += corrected;
                duplicates += result.Duplicates;
                matched += result.FanningOut;
            }

            if (poll.Withdrawn.Count > 0)
            {
                var withdrawal = await _ingest.WithdrawAsync(source.Name, poll.Withdrawn, cancellationToken);
                corrections += withdrawal.Withdrawn;
            }

            // Only now that every change is stored (and every deletion withdrawn) may the cursor move past them.
            var next = poll.NextCursor ?? cursor;
            await _cursors.SaveAsync(source.Name, next, _time.GetUtcNow(), cancellationToken);

            if (skipped > 0)
            {
                LogSkipped(source.Name, skipped);
            }

            LogPolled(source.Name, accepted, corrections, duplicates, skipped, matched);
            _problems.TryRemove(source.Name, out _);
            var partial = poll.Problems.Count == 0 ? null : string.Join("; ", poll.Problems);
            return new FeedPollSummary(source.Name, true, accepted, corrections, duplicates, skipped, matched, next, partial);
        }
        catch (FeedAccessDeniedException ex)
        {
            // Reported once; until RetryAt the source is not called (its HTTP client answers for it).
            var problem = $"{ex.Message}; not called again before {ex.RetryAt:yyyy-MM-dd HH:mm} UTC (or a restart)";
            _problems[source.Name] = problem;
            if (ex.Repeated)
            {
                LogStillDenied(source.Name, ex.RetryAt);
            }
            else
            {
                LogDenied(source.Name, problem);
            }

            return new FeedPollSummary(source.Name, false, 0, 0, 0, 0, 0, cursor, problem);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(ex, source.Name, ex.Message);
            return new FeedPollSummary(source.Name, false, 0, 0, 0, 0, 0, cursor, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Source}: {Accepted} new, {Corrections} corrections, {Duplicates} already stored, {Skipped} skipped, {FanningOut} queued for their fan-out")]
    private partial void LogPolled(string source, int accepted, int corrections, int duplicates, int skipped, int fanningOut);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Source}: record {SenderId} skipped: {Problem}")]
    private partial void LogRecordSkipped(string source, string? senderId, string? problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Source}: {Skipped} records skipped as malformed or outside the contract's limits")]
    private partial void LogSkipped(string source, int skipped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Source} failed and was skipped; its cursor is kept and it is polled again next time: {Reason}")]
    private partial void LogFailed(Exception exception, string source, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Source} is refused by its provider and is not polled for now: {Problem}")]
    private partial void LogDenied(string source, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Source} waits until {RetryAt} after its provider refused its key")]
    private partial void LogStillDenied(string source, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The previous feed poll is still running; this one is skipped")]
    private partial void LogStillRunning();
}

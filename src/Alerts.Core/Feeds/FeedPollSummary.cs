namespace Alerts.Core.Feeds;

/// <summary>What polling one source did.</summary>
/// <param name="Source">The source's name.</param>
/// <param name="Succeeded">False when the source could not be read or its changes could not be stored: its cursor was kept.</param>
/// <param name="Accepted">New changes stored now.</param>
/// <param name="Corrections">
/// Records the vendor changed after publishing them (same record id, other content), and records it deleted: stored as
/// corrections (or withdrawals) of the version before, visible in history, told once to whoever was alerted of that version
/// when what an alert says changed (see <see cref="Ingest.CorrectionDispatcher"/>), never alerted as news.
/// </param>
/// <param name="Duplicates">Changes read again that were stored before (overlapping windows, re-polls).</param>
/// <param name="Skipped">Records left out: malformed, or outside the contract's limits (bad ticker, non-positive target...).</param>
/// <param name="FanningOut">Changes on followed tickers queued for their fan-out (matched and alerted by the fan-out step).</param>
/// <param name="Cursor">The cursor the next poll starts from.</param>
/// <param name="Error">Why the poll failed, when it did; for a poll that succeeded, the parts skipped with their cursor kept (see <see cref="FeedPoll.Problems"/>).</param>
public sealed record FeedPollSummary(
    string Source,
    bool Succeeded,
    int Accepted,
    int Corrections,
    int Duplicates,
    int Skipped,
    int FanningOut,
    string? Cursor,
    string? Error);

using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// One poll of a source asked symbol by symbol (Finnhub, FMP): the symbols in turn, longest-waiting first, as many as the
/// source's <see cref="RequestBudget"/> allows (the rest wait for the next poll); each with its own cursor and window. A
/// symbol whose answer is not records (garbage, HTML, an empty body, an error object) is logged and skipped with its cursor
/// kept, and the others are read all the same. A provider that cannot be reached, or refuses the key, fails the poll.
/// </summary>
internal sealed class SymbolPoll(string source, FeedSourceOptions options, FeedHttp http, RequestBudget budget, TimeProvider time, ILogger logger)
{
    /// <summary>Builds the request of one symbol (<see cref="SymbolCursors.AllSymbols"/>: none) for a window.</summary>
    public delegate Uri RequestBuilder(string symbol, DateTimeOffset windowStart, DateTimeOffset now);

    /// <summary>Completes the records read for one symbol (e.g. with history); the default keeps them as read.</summary>
    public delegate Task<IReadOnlyList<RatingChangeSubmission>> Completer(string symbol, IReadOnlyList<RatingChangeSubmission> records, CancellationToken cancellationToken);

    public async Task<FeedPoll> RunAsync(
        string? cursor,
        IReadOnlyList<string> symbols,
        RequestBuilder request,
        Func<JsonElement, RatingChangeSubmission?> read,
        Completer? complete,
        CancellationToken cancellationToken)
    {
        var cursors = SymbolCursors.Parse(cursor, out var unreadable);
        if (unreadable)
        {
            FeedLog.UnreadableCursor(logger, source, cursor!);
        }

        var now = time.GetUtcNow();
        var changes = new List<RatingChangeSubmission>();
        var problems = new List<string>();
        var skipped = 0;
        var due = cursors.DueOrder(symbols);
        for (var i = 0; i < due.Count; i++)
        {
            var symbol = due[i];
            if (!budget.TryTake())
            {
                FeedLog.BudgetSpent(logger, source, due.Count - i, budget.PerMinute, budget.PerDay);
                break;
            }

            var since = NewestSeenCursor.Parse(cursors.Get(symbol));
            var windowStart = NewestSeenCursor.WindowStart(since, now, options.LookbackDays, options.OverlapDays);
            var body = await http.GetAsync(request(symbol, windowStart, now), "application/json", cancellationToken);
            try
            {
                using var document = FeedJson.Parse(body, source);
                var records = new WindowedRecords(source, windowStart, logger);
                records.AddAll(FeedJson.Array(document.RootElement, source), read);
                var completed = complete is null ? records.Changes : await complete(symbol, records.Changes, cancellationToken);
                changes.AddRange(completed);
                skipped += records.Skipped;
                cursors.Set(symbol, NewestSeenCursor.Next(cursors.Get(symbol), since, records.Newest, now), now);
            }
            catch (FeedFormatException ex)
            {
                // Its cursor is kept (the next poll asks for the same window); it waits its turn behind the others.
                problems.Add($"{symbol}: {ex.Message}");
                FeedLog.AnswerSkipped(logger, source, symbol, ex.Message);
                cursors.Set(symbol, cursor: null, now);
            }
        }

        return new FeedPoll(changes, cursors.Format(symbols), skipped) { Problems = problems };
    }
}

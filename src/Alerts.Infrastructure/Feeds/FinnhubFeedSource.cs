using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Finnhub <c>GET {base}/stock/upgrade-downgrade?symbol=&amp;from=&amp;to=&amp;token=</c> (a premium endpoint: a free key
/// gets 403): an array of <c>{symbol, company (the firm), fromGrade, toGrade, action (up/down/main/init/reit), gradeTime
/// (unix s)}</c>, no targets and no record id. <c>gradeTime</c> is a date (00:00 UTC), kept as that date. One request per
/// configured symbol, within the source's budget (none configured: Finnhub's latest across all tickers).
/// </summary>
internal sealed class FinnhubFeedSource(FeedSourceOptions options, FeedHttp http, RequestBudget budget, TimeProvider time, ILogger<FinnhubFeedSource> logger) : IFeedSource
{
    public const string DefaultBaseUrl = "https://finnhub.io/api/v1";

    private readonly SymbolPoll _poll = new(options.Name!, options, http, budget, time, logger);

    public string Name { get; } = options.Name!;

    public Task<FeedPoll> PollAsync(string? cursor, CancellationToken cancellationToken)
    {
        var symbols = options.GetSymbols() is { Count: > 0 } configured ? configured : [SymbolCursors.AllSymbols];
        return _poll.RunAsync(
            cursor,
            symbols,
            (symbol, windowStart, now) => FeedUrls.Build(
                options.BaseUrl ?? DefaultBaseUrl,
                "/stock/upgrade-downgrade",
                ("symbol", symbol == SymbolCursors.AllSymbols ? null : symbol),
                ("from", NewestSeenCursor.Day(windowStart)),
                ("to", NewestSeenCursor.Day(now.AddDays(1))),
                ("token", options.ApiKey)),
            Read,
            complete: null,
            cancellationToken);
    }

    private RatingChangeSubmission Read(JsonElement item)
    {
        var gradeTime = FeedJson.Int64(item, "gradeTime") ?? throw new MalformedRecordException("'gradeTime' is missing");
        return FeedDates.UnixSecondsOrDate(gradeTime, "gradeTime").On(new RatingChangeSubmission
        {
            Ticker = FeedJson.String(item, "symbol") ?? string.Empty,
            Firm = FeedJson.String(item, "company") ?? string.Empty,
            FromRating = FeedJson.String(item, "fromGrade"),
            ToRating = FeedJson.String(item, "toGrade"),
            Action = VendorActions.RatingWord(FeedJson.String(item, "action")),
            Source = Name,
        });
    }
}

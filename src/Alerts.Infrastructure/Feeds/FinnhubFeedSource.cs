using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Finnhub <c>GET {base}/stock/upgrade-downgrade?symbol=&amp;from=&amp;to=&amp;token=</c>: an array of
/// <c>{symbol, company (the firm), fromGrade, toGrade, action (up/down/main/init/reit), gradeTime (unix s)}</c>, no targets
/// and no record id. One request per configured symbol (none: Finnhub's latest across all tickers).
/// </summary>
internal sealed class FinnhubFeedSource(FeedSourceOptions options, FeedHttp http, TimeProvider time, ILogger<FinnhubFeedSource> logger) : IFeedSource
{
    public const string DefaultBaseUrl = "https://finnhub.io/api/v1";

    public string Name { get; } = options.Name!;

    public async Task<FeedPoll> PollAsync(string? cursor, CancellationToken cancellationToken)
    {
        var (records, since, windowStart, now) = WindowedRecords.Open(Name, cursor, options.LookbackDays, time, logger);
        var symbols = options.GetSymbols() is { Count: > 0 } configured ? configured.Cast<string?>().ToList() : [null];

        foreach (var symbol in symbols)
        {
            var uri = FeedUrls.Build(
                options.BaseUrl ?? DefaultBaseUrl,
                "/stock/upgrade-downgrade",
                ("symbol", symbol),
                ("from", NewestSeenCursor.Day(windowStart)),
                ("to", NewestSeenCursor.Day(now.AddDays(1))),
                ("token", options.ApiKey));
            var body = await http.GetAsync(uri, "application/json", cancellationToken);
            using var document = FeedJson.Parse(body, Name);
            records.AddAll(FeedJson.Array(document.RootElement, Name), Read);
        }

        return records.ToPoll(cursor, since, now);
    }

    private RatingChangeSubmission Read(JsonElement item)
    {
        var gradeTime = FeedJson.Int64(item, "gradeTime") ?? throw new MalformedRecordException("'gradeTime' is missing");
        return new RatingChangeSubmission
        {
            Ticker = FeedJson.String(item, "symbol") ?? string.Empty,
            Firm = FeedJson.String(item, "company") ?? string.Empty,
            FromRating = FeedJson.String(item, "fromGrade"),
            ToRating = FeedJson.String(item, "toGrade"),
            Action = VendorActions.RatingWord(FeedJson.String(item, "action")),
            PublishedAt = FeedDates.FromUnixSeconds(gradeTime, "gradeTime"),
            Source = Name,
        };
    }
}

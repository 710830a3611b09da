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
        var now = time.GetUtcNow();
        var since = NewestSeenCursor.Parse(cursor);
        if (since is null && cursor is not null)
        {
            FeedLog.UnreadableCursor(logger, Name, cursor);
        }
        var windowStart = NewestSeenCursor.WindowStart(since, now, options.LookbackDays);
        var symbols = options.GetSymbols() is { Count: > 0 } configured ? configured.Cast<string?>().ToList() : [null];

        var changes = new List<RatingChangeSubmission>();
        var skipped = 0;
        DateTimeOffset? newest = null;
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
            foreach (var item in FeedJson.Array(document.RootElement, Name).EnumerateArray())
            {
                try
                {
                    if (Read(item) is { } change && change.PublishedAt >= windowStart)
                    {
                        changes.Add(change);
                        newest = change.PublishedAt > newest || newest is null ? change.PublishedAt : newest;
                    }
                }
                catch (MalformedRecordException ex)
                {
                    skipped++;
                    FeedLog.RecordSkipped(logger, Name, ex.Message);
                }
            }
        }

        return new FeedPoll(changes, NewestSeenCursor.Next(cursor, since, newest, now), skipped);
    }

    private RatingChangeSubmission Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedRecordException($"a record is a JSON {item.ValueKind}, not an object");
        }

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

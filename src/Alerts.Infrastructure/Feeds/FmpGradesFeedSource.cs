using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Financial Modeling Prep <c>GET {base}/stable/grades?symbol=&amp;apikey=</c>: an array of
/// <c>{symbol, date, gradingCompany, previousGrade, newGrade, action (upgrade/downgrade/maintain/hold/initialise...)}</c>,
/// newest first, the whole history of the symbol; only the records from the poll's window on are taken. The older
/// upgrades-downgrades shape (<c>publishedDate</c>, <c>newsURL</c>) is read too.
/// </summary>
internal sealed class FmpGradesFeedSource(FeedSourceOptions options, FeedHttp http, TimeProvider time, ILogger<FmpGradesFeedSource> logger) : IFeedSource
{
    public const string DefaultBaseUrl = "https://financialmodelingprep.com";

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

        var changes = new List<RatingChangeSubmission>();
        var skipped = 0;
        DateTimeOffset? newest = null;
        foreach (var symbol in options.GetSymbols())
        {
            var uri = FeedUrls.Build(options.BaseUrl ?? DefaultBaseUrl, "/stable/grades", ("symbol", symbol), ("apikey", options.ApiKey));
            var body = await http.GetAsync(uri, "application/json", cancellationToken);
            using var document = FeedJson.Parse(body, Name);
            foreach (var item in FeedJson.Array(document.RootElement, Name).EnumerateArray())
            {
                try
                {
                    var change = Read(item);
                    if (change.PublishedAt >= windowStart)
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

        var date = FeedJson.String(item, "date") ?? FeedJson.String(item, "publishedDate")
            ?? throw new MalformedRecordException("'date' is missing");
        return new RatingChangeSubmission
        {
            Ticker = FeedJson.String(item, "symbol") ?? string.Empty,
            Firm = FeedJson.String(item, "gradingCompany") ?? string.Empty,
            FromRating = FeedJson.String(item, "previousGrade"),
            ToRating = FeedJson.String(item, "newGrade"),
            Action = VendorActions.RatingWord(FeedJson.String(item, "action")),
            PublishedAt = FeedDates.Iso(date, "date"),
            Url = FeedJson.String(item, "newsURL"),
            Source = Name,
        };
    }
}

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
        var (records, since, _, now) = WindowedRecords.Open(Name, cursor, options.LookbackDays, time, logger);

        foreach (var symbol in options.GetSymbols())
        {
            var uri = FeedUrls.Build(options.BaseUrl ?? DefaultBaseUrl, "/stable/grades", ("symbol", symbol), ("apikey", options.ApiKey));
            var body = await http.GetAsync(uri, "application/json", cancellationToken);
            using var document = FeedJson.Parse(body, Name);
            records.AddAll(FeedJson.Array(document.RootElement, Name), Read);
        }

        return records.ToPoll(cursor, since, now);
    }

    private RatingChangeSubmission Read(JsonElement item)
    {
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

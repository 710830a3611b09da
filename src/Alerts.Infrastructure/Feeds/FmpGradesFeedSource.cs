using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Financial Modeling Prep grades, one request per symbol within the source's budget:
/// <list type="bullet">
/// <item><c>FmpGrades</c>: <c>GET {base}/stable/grades?symbol=&amp;apikey=</c>, an array of <c>{symbol, date (a date
/// only, kept as that date), gradingCompany, previousGrade, newGrade, action (upgrade/downgrade/maintain/hold/initialise)}</c>,
/// newest first, the symbol's whole history;</item>
/// <item><c>FmpGradesNews</c>: <c>GET {base}/stable/grades-news?symbol=&amp;page=0&amp;limit=100&amp;apikey=</c>, the same
/// with <c>publishedDate</c> (a time), <c>newsURL</c> and <c>newsTitle</c>.</item>
/// </list>
/// Only the records of the symbol's window are taken. The older v4 shape (<c>publishedDate</c>, <c>newsURL</c>) is read too.
/// </summary>
internal sealed class FmpGradesFeedSource(FeedSourceOptions options, FeedHttp http, RequestBudget budget, TimeProvider time, ILogger<FmpGradesFeedSource> logger) : IFeedSource
{
    public const string DefaultBaseUrl = "https://financialmodelingprep.com";

    public const int PageSize = 100;

    private readonly SymbolPoll _poll = new(options.Name!, options, http, budget, time, logger);

    public string Name { get; } = options.Name!;

    public Task<FeedPoll> PollAsync(string? cursor, CancellationToken cancellationToken)
    {
        var news = options.GetKind() == FeedKind.FmpGradesNews;
        return _poll.RunAsync(
            cursor,
            options.GetSymbols(),
            (symbol, _, _) => news
                ? FeedUrls.Build(options.BaseUrl ?? DefaultBaseUrl, "/stable/grades-news", ("symbol", symbol), ("page", "0"), ("limit", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("apikey", options.ApiKey))
                : FeedUrls.Build(options.BaseUrl ?? DefaultBaseUrl, "/stable/grades", ("symbol", symbol), ("apikey", options.ApiKey)),
            Read,
            complete: null,
            cancellationToken);
    }

    private RatingChangeSubmission Read(JsonElement item)
    {
        var date = FeedJson.String(item, "publishedDate") ?? FeedJson.String(item, "date")
            ?? throw new MalformedRecordException("'date' is missing");
        return FeedDates.IsoOrDate(date, "date").On(new RatingChangeSubmission
        {
            Ticker = FeedJson.String(item, "symbol") ?? string.Empty,
            Firm = FeedJson.String(item, "gradingCompany") ?? string.Empty,
            FromRating = FeedJson.String(item, "previousGrade"),
            ToRating = FeedJson.String(item, "newGrade"),
            Action = VendorActions.RatingWord(FeedJson.String(item, "action")),
            Url = FeedJson.String(item, "newsURL"),
            Source = Name,
        });
    }
}

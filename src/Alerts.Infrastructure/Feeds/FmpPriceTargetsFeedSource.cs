using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Financial Modeling Prep <c>GET {base}/stable/price-target-news?symbol=&amp;page=0&amp;limit=100&amp;apikey=</c>: an array of
/// <c>{symbol, publishedDate, analystName, analystCompany, priceTarget, adjPriceTarget, priceWhenPosted, newsTitle,
/// newsURL}</c>. A record gives the new target only: the prior one is left unknown, and the action is what the headline
/// plainly says ("raises ... price target": target_raise), else inferred as for any other sender.
/// </summary>
internal sealed class FmpPriceTargetsFeedSource(FeedSourceOptions options, FeedHttp http, TimeProvider time, ILogger<FmpPriceTargetsFeedSource> logger) : IFeedSource
{
    public const int PageSize = 100;

    public string Name { get; } = options.Name!;

    public async Task<FeedPoll> PollAsync(string? cursor, CancellationToken cancellationToken)
    {
        var (records, since, _, now) = WindowedRecords.Open(Name, cursor, options.LookbackDays, time, logger);

        foreach (var symbol in options.GetSymbols())
        {
            var uri = FeedUrls.Build(
                options.BaseUrl ?? FmpGradesFeedSource.DefaultBaseUrl,
                "/stable/price-target-news",
                ("symbol", symbol),
                ("page", "0"),
                ("limit", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("apikey", options.ApiKey));
            var body = await http.GetAsync(uri, "application/json", cancellationToken);
            using var document = FeedJson.Parse(body, Name);
            records.AddAll(FeedJson.Array(document.RootElement, Name), Read);
        }

        return records.ToPoll(cursor, since, now);
    }

    private RatingChangeSubmission Read(JsonElement item)
    {
        var published = FeedJson.String(item, "publishedDate") ?? throw new MalformedRecordException("'publishedDate' is missing");
        var target = FeedJson.Decimal(item, "priceTarget");
        if (target is not > 0)
        {
            // Some records carry only the split-adjusted figure.
            target = FeedJson.Decimal(item, "adjPriceTarget") ?? target;
        }

        return new RatingChangeSubmission
        {
            Ticker = FeedJson.String(item, "symbol") ?? string.Empty,
            Firm = FeedJson.String(item, "analystCompany") ?? string.Empty,
            Analyst = FeedJson.String(item, "analystName"),
            Action = VendorActions.FromTargetHeadline(FeedJson.String(item, "newsTitle")),
            ToTarget = target,
            PublishedAt = FeedDates.Iso(published, "publishedDate"),
            Url = FeedJson.String(item, "newsURL"),
            Source = Name,
        };
    }
}

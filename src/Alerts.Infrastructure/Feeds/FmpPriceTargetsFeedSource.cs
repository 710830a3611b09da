using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Financial Modeling Prep <c>GET {base}/stable/price-target-news?symbol=&amp;page=0&amp;limit=100&amp;apikey=</c> (premium:
/// a free key gets 402): an array of <c>{symbol, publishedDate, analystName, analystCompany, priceTarget, adjPriceTarget,
/// priceWhenPosted, newsTitle, newsURL}</c>. A record gives the new target only. Its prior target is the same firm's
/// previous target on the ticker in our own history (<see cref="PriorTargetRule"/>); its action is what the headline states
/// ("Apple Gets Rare Downgrade From Jefferies": a downgrade), else none, for the normalizer to infer from the targets.
/// </summary>
internal sealed class FmpPriceTargetsFeedSource(
    FeedSourceOptions options,
    FeedHttp http,
    RequestBudget budget,
    PriorTargetRule priorTargets,
    IRatingChangeStore? history,
    TimeProvider time,
    ILogger<FmpPriceTargetsFeedSource> logger) : IFeedSource
{
    public const int PageSize = 100;

    /// <summary>The stored changes of a ticker read to find each firm's previous target (the newest).</summary>
    public const int HistoryDepth = 1000;

    private readonly SymbolPoll _poll = new(options.Name!, options, http, budget, time, logger);

    public string Name { get; } = options.Name!;

    public Task<FeedPoll> PollAsync(string? cursor, CancellationToken cancellationToken) =>
        _poll.RunAsync(
            cursor,
            options.GetSymbols(),
            (symbol, _, _) => FeedUrls.Build(
                options.BaseUrl ?? FmpGradesFeedSource.DefaultBaseUrl,
                "/stable/price-target-news",
                ("symbol", symbol),
                ("page", "0"),
                ("limit", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("apikey", options.ApiKey)),
            Read,
            CompleteAsync,
            cancellationToken);

    private async Task<IReadOnlyList<RatingChangeSubmission>> CompleteAsync(string symbol, IReadOnlyList<RatingChangeSubmission> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return records;
        }

        var completed = new List<RatingChangeSubmission>(records.Count);
        foreach (var ticker in records.GroupBy(r => r.Ticker.Trim().ToUpperInvariant(), StringComparer.Ordinal))
        {
            var stored = history is null || !Tickers.TryNormalize(ticker.Key, out var normalized, out _)
                ? []
                : await history.GetHistoryAsync(normalized, since: null, HistoryDepth, cancellationToken);
            completed.AddRange(priorTargets.Apply(ticker.ToList(), stored));
        }

        return completed;
    }

    private RatingChangeSubmission Read(JsonElement item)
    {
        var published = FeedJson.String(item, "publishedDate") ?? throw new MalformedRecordException("'publishedDate' is missing");
        var target = FeedJson.Decimal(item, "priceTarget");
        if (target is null or 0)
        {
            // Some records carry only the split-adjusted figure.
            target = FeedJson.Decimal(item, "adjPriceTarget") ?? target;
        }

        var symbol = FeedJson.String(item, "symbol") ?? string.Empty;
        var firm = FeedJson.String(item, "analystCompany") ?? string.Empty;
        var url = FeedJson.String(item, "newsURL");
        return FeedDates.IsoOrDate(published, "publishedDate").On(new RatingChangeSubmission
        {
            // FMP gives no record id. One made of what identifies the record keeps it one record when its prior target is
            // found only later (history stored after it was first read): that later reading is stored as its correction.
            SenderId = "fmp-pt-" + Alerts.Core.Ids.Digest(string.Join('|', symbol, firm, published, url), 20),
            Ticker = symbol,
            Firm = firm,
            Analyst = FeedJson.String(item, "analystName"),
            Action = VendorActions.FromHeadline(FeedJson.String(item, "newsTitle")),
            ToTarget = target,
            Url = url,
            Source = Name,
        });
    }
}

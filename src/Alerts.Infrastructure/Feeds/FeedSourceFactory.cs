using Alerts.Core.Feeds;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Feeds;

/// <summary>Makes the configured source at one index of <c>Feeds:Sources</c>, with its own long-lived HttpClient.</summary>
internal static class FeedSourceFactory
{
    /// <summary>The name of a source's HttpClient (and so of its log category).</summary>
    public static string ClientName(string? sourceName, int index) => "Alerts.Feeds." + (sourceName ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static IFeedSource Create(IServiceProvider services, int index)
    {
        // Reading the options validates them: a bad setting fails here (and at start, through ValidateOnStart).
        var options = services.GetRequiredService<IOptions<FeedsOptions>>().Value;
        var source = options.Sources[index];
        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName(source.Name, index));
        var http = new FeedHttp(client, source.Name!, options, time, loggers.CreateLogger<FeedHttp>());
        var budget = new RequestBudget(FeedBudgets.PerMinute(source), FeedBudgets.PerDay(source), time);
        return source.GetKind() switch
        {
            FeedKind.Finnhub => new FinnhubFeedSource(source, http, budget, time, loggers.CreateLogger<FinnhubFeedSource>()),
            FeedKind.FmpGrades or FeedKind.FmpGradesNews => new FmpGradesFeedSource(source, http, budget, time, loggers.CreateLogger<FmpGradesFeedSource>()),
            FeedKind.FmpPriceTargets => new FmpPriceTargetsFeedSource(
                source,
                http,
                budget,
                new PriorTargetRule(services.GetService<FirmDirectory>() ?? FirmDirectory.Default),
                services.GetService<IRatingChangeStore>(),
                time,
                loggers.CreateLogger<FmpPriceTargetsFeedSource>()),
            FeedKind.Benzinga => new BenzingaFeedSource(source, http, budget, time, loggers.CreateLogger<BenzingaFeedSource>()),
            FeedKind.Rss => new RssFeedSource(
                source,
                http,
                budget,
                services.GetService<INewsTextReader>()
                    ?? throw new InvalidOperationException(
                        $"Feed '{source.Name}' is an Rss source, which needs the news text extractor: register an {nameof(INewsTextReader)}."),
                loggers.CreateLogger<RssFeedSource>()),
            var kind => throw new InvalidOperationException($"Feed kind {kind} has no adapter."),
        };
    }
}

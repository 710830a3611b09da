namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// The default request budgets per kind of source, from the vendors' published limits where there are some: Finnhub's free
/// plan allows 60 calls a minute; FMP's free plan 250 calls a day; Benzinga and news feeds publish none (a key's limit is in
/// its contract), so theirs only keep a runaway poll in check.
/// </summary>
internal static class FeedBudgets
{
    public static int PerMinute(FeedSourceOptions source) => source.RequestsPerMinute ?? source.GetKind() switch
    {
        FeedKind.Finnhub => 60,
        FeedKind.FmpGrades or FeedKind.FmpGradesNews or FeedKind.FmpPriceTargets => 10,
        FeedKind.Benzinga => 60,
        _ => 10,
    };

    public static int PerDay(FeedSourceOptions source) => source.RequestsPerDay ?? source.GetKind() switch
    {
        FeedKind.Finnhub => 86_400,
        FeedKind.FmpGrades or FeedKind.FmpGradesNews or FeedKind.FmpPriceTargets => 250,
        FeedKind.Benzinga => 20_000,
        _ => 2_000,
    };
}

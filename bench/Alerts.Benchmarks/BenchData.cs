using Alerts.Core.Ratings;

namespace Alerts.Benchmarks;

/// <summary>The sample change the benchmarks share: the contract's example, JPMorgan upgrading CIFR.</summary>
internal static class BenchData
{
    public static RatingChange CifrUpgrade(string ticker = "CIFR") => new()
    {
        Id = "3f6c0b1d9a8e4f7c2b5d6e1a0c9f8b7a",
        Ticker = ticker,
        Company = "Cipher Mining",
        Firm = "JPMorgan",
        Analyst = "Reginald Smith",
        Action = RatingAction.Upgrade,
        FromRating = "Neutral",
        ToRating = "Overweight",
        FromLevel = RatingLevel.Hold,
        ToLevel = RatingLevel.Buy,
        FromTarget = 12m,
        ToTarget = 18m,
        TargetChangePct = 50m,
        Currency = "USD",
        PublishedAt = new DateTimeOffset(2025, 12, 2, 13, 30, 0, TimeSpan.Zero),
        ReceivedAt = new DateTimeOffset(2025, 12, 2, 13, 30, 1, TimeSpan.Zero),
        Source = "acme-feed",
        Url = "https://example.com/story?id=123&ref=alerts",
    };
}

using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>Rating changes for tests: the contract's example, varied with <c>with</c>.</summary>
internal static class TestChanges
{
    public static readonly DateTimeOffset Now = new(2025, 12, 2, 13, 30, 0, TimeSpan.Zero);

    /// <summary>"JPMorgan upgrades Cipher Mining (CIFR) to Overweight from Neutral, raises price target to $18 from $12".</summary>
    public static RatingChange CifrUpgrade() => new()
    {
        Id = "change-cifr-1",
        Ticker = "CIFR",
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
        Currency = "USD",
        TargetChangePct = 50m,
        PublishedAt = Now,
        ReceivedAt = Now,
        Source = "acme-feed",
        Url = "https://example.com/story",
    };

    /// <summary>A change with only the essentials set.</summary>
    public static RatingChange Bare(RatingAction action, string ticker = "CIFR", string firm = "JPMorgan") => new()
    {
        Id = "change-" + ticker.ToLowerInvariant() + "-" + action.ToWireName(),
        Ticker = ticker,
        Firm = firm,
        Action = action,
        Currency = "USD",
        PublishedAt = Now,
        ReceivedAt = Now,
    };
}

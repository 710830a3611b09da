using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>Stored changes of CIFR by other firms, dated before <see cref="TestChanges.Now"/>, for the street's context.</summary>
internal static class StreetRows
{
    private static int _next;

    /// <summary>A stored change of CIFR by <paramref name="firm"/>, <paramref name="ago"/> before <see cref="TestChanges.Now"/>, with a unique id.</summary>
    public static RatingChange Row(
        string firm,
        TimeSpan ago,
        string? toRating = "Buy",
        decimal? toTarget = null,
        RatingAction action = RatingAction.Reiterate,
        string currency = "USD",
        string? correctionOf = null,
        string? fromRating = null,
        decimal? fromTarget = null) => new()
        {
            Id = $"row-{Interlocked.Increment(ref _next)}",
            Ticker = "CIFR",
            Firm = firm,
            Action = action,
            FromRating = fromRating,
            ToRating = toRating,
            FromLevel = RatingScale.Classify(fromRating),
            ToLevel = RatingScale.Classify(toRating),
            FromTarget = fromTarget,
            ToTarget = toTarget,
            Currency = currency,
            PublishedAt = TestChanges.Now - ago,
            ReceivedAt = TestChanges.Now - ago,
            CorrectionOf = correctionOf,
        };
}

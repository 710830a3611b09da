using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Alerts.Infrastructure.Queues;

namespace Alerts.Infrastructure.Tests.TestSupport;

/// <summary>Real, normalized values (ids made the way the product makes them), unique per test so tests share one Azurite.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2025, 12, 2, 13, 30, 0, TimeSpan.Zero);

    public static readonly RatingChangeNormalizer Normalizer = new(FirmDirectory.Default);

    /// <summary>A ticker no other test uses: "T" and 9 random hex digits, upper case (10 characters, within the 12 allowed).</summary>
    public static string UniqueTicker() => "T" + Guid.NewGuid().ToString("N")[..9].ToUpperInvariant();

    /// <summary>An address no other test uses.</summary>
    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    public static RatingChangeSubmission Submission(
        string ticker,
        decimal? fromTarget = 12m,
        decimal? toTarget = 18m,
        DateTimeOffset? publishedAt = null,
        string? senderId = null,
        string? source = "acme-feed",
        string firm = "J.P. Morgan",
        string? fromRating = "Neutral",
        string? toRating = "Overweight") => new()
        {
            Ticker = ticker,
            Company = "Cipher Mining",
            Firm = firm,
            Analyst = "Reginald Smith",
            FromRating = fromRating,
            ToRating = toRating,
            FromTarget = fromTarget,
            ToTarget = toTarget,
            PublishedAt = publishedAt ?? Now,
            SenderId = senderId,
            Source = source,
            Url = "https://example.com/story",
        };

    public static RatingChange Change(
        string ticker,
        decimal? fromTarget = 12m,
        decimal? toTarget = 18m,
        DateTimeOffset? publishedAt = null,
        string? senderId = null,
        string? source = "acme-feed",
        DateTimeOffset? receivedAt = null) =>
        Normalizer.Normalize(Submission(ticker, fromTarget, toTarget, publishedAt, senderId, source), receivedAt ?? Now.AddMinutes(1));

    public static Subscription Subscription(
        string? email = null,
        IReadOnlyList<string>? tickers = null,
        SubscriberRules? rules = null) => new()
        {
            Id = Core.Ids.NewRandom(),
            Email = email ?? UniqueEmail(),
            Tickers = tickers ?? [UniqueTicker(), UniqueTicker()],
            Rules = rules ?? new SubscriberRules
            {
                Actions = [RatingAction.Upgrade, RatingAction.TargetCut],
                Firms = ["JPMorgan", "Morgan Stanley"],
                MinTargetChangePct = 12.5m,
            },
            Status = SubscriptionStatus.Pending,
            CreatedAt = Now,
        };

    public static AlertsMatched Alerts(string? ticker = null, int recipients = 2)
    {
        var change = Change(ticker ?? UniqueTicker());
        var list = Enumerable.Range(0, recipients)
            .Select(i =>
            {
                var subscriptionId = $"sub-{i}-{Guid.NewGuid():N}";
                return new AlertRecipient(AlertIds.For(change.Id, subscriptionId), subscriptionId, $"user{i}@example.com");
            })
            .ToList();
        return new AlertsMatched(AlertIds.ForMessage(list.Select(r => r.AlertId)), change, list, Now.AddSeconds(5));
    }

    /// <summary>A received or decoded message carries exactly <paramref name="expected"/>, alone.</summary>
    public static void AssertSameAlerts(AlertsMatched expected, IReadOnlyList<AlertsMatched>? actual)
    {
        Assert.NotNull(actual);
        AssertSameAlerts(expected, Assert.Single(actual));
    }

    public static void AssertSameAlerts(AlertsMatched expected, AlertsMessageCodec.DecodedMessage? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.MessageId, actual.MessageId);
        AssertSameAlerts(expected, actual.Alerts);
    }

    /// <summary>Field-by-field equality of two queue messages (records with lists do not compare lists by content).</summary>
    public static void AssertSameAlerts(AlertsMatched expected, AlertsMatched? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.MessageId, actual.MessageId);
        Assert.Equal(expected.Change, actual.Change);
        Assert.Equal(expected.Change.ToTarget?.ToString(System.Globalization.CultureInfo.InvariantCulture), actual.Change.ToTarget?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.Recipients, actual.Recipients);
        Assert.Equal(expected.MatchedAt, actual.MatchedAt);
    }
}

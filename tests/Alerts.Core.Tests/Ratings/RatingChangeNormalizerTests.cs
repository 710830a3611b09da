using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Ratings;

public class RatingChangeNormalizerTests
{
    private static readonly DateTimeOffset Received = TestChanges.Now;
    private readonly RatingChangeNormalizer _normalizer = new(FirmDirectory.Default);

    private static RatingChangeSubmission Submission(
        RatingAction? action = null,
        string? fromRating = null,
        string? toRating = null,
        decimal? fromTarget = null,
        decimal? toTarget = null,
        string ticker = "CIFR",
        string firm = "JPMorgan") => new()
        {
            Ticker = ticker,
            Firm = firm,
            Action = action,
            FromRating = fromRating,
            ToRating = toRating,
            FromTarget = fromTarget,
            ToTarget = toTarget,
        };

    [Fact]
    public void Normalize_ContractExample_IsUpgradeWithLevelsAndTargetMove()
    {
        var change = _normalizer.Normalize(
            Submission(null, "Neutral", "Overweight", 12m, 18m, firm: "J.P. Morgan") with { Company = "Cipher  Mining", Analyst = " Reginald Smith " },
            Received);

        Assert.Equal(RatingAction.Upgrade, change.Action);
        Assert.Equal("JPMorgan", change.Firm);
        Assert.Equal(RatingLevel.Hold, change.FromLevel);
        Assert.Equal(RatingLevel.Buy, change.ToLevel);
        Assert.Equal(50m, change.TargetChangePct);
        Assert.Equal("Cipher Mining", change.Company);
        Assert.Equal("Reginald Smith", change.Analyst);
        Assert.Matches("^[0-9a-f]{20}$", change.Id);
    }

    [Theory]
    [InlineData("cifr", "CIFR")]
    [InlineData(" brk.b ", "BRK.B")]
    [InlineData("bf-b", "BF-B")]
    public void Normalize_Ticker_IsUpperCased(string given, string expected) =>
        Assert.Equal(expected, _normalizer.Normalize(Submission(RatingAction.Reiterate, ticker: given), Received).Ticker);

    [Theory]
    [InlineData(null, "USD")]
    [InlineData("", "USD")]
    [InlineData("cad", "CAD")]
    [InlineData("EUR", "EUR")]
    public void Normalize_Currency_DefaultsToUsdAndIsUpperCased(string? given, string expected) =>
        Assert.Equal(expected, _normalizer.Normalize(Submission(RatingAction.Reiterate) with { Currency = given }, Received).Currency);

    [Fact]
    public void Normalize_ReiteratedButRatingMoved_IsDowngrade()
    {
        var change = _normalizer.Normalize(Submission(RatingAction.Reiterate, "Equal Weight", "Underweight", firm: "Morgan Stanley"), Received);

        Assert.Equal(RatingAction.Downgrade, change.Action);
        Assert.Equal("Equal Weight", change.FromRating);
        Assert.Equal("Underweight", change.ToRating);
    }

    [Fact]
    public void Normalize_BuyToBuyTargetMoveLabelledUpgrade_IsTargetRaise()
    {
        var change = _normalizer.Normalize(Submission(RatingAction.Upgrade, "BUY", "BUY", 950m, 1500m, "0700.HK", "Futu") with { Currency = "HKD" }, Received);

        Assert.Equal(RatingAction.TargetRaise, change.Action);
        Assert.Equal(57.89m, change.TargetChangePct);
        Assert.Equal(change.FromLevel, change.ToLevel);
    }

    [Fact]
    public void Normalize_RatingCutWithTargetRaised_KeepsBothFacts()
    {
        var change = _normalizer.Normalize(Submission(null, "Buy", "Neutral", 34m, 36m), Received);

        Assert.Equal(RatingAction.Downgrade, change.Action);
        Assert.Equal(RatingLevel.Buy, change.FromLevel);
        Assert.Equal(RatingLevel.Hold, change.ToLevel);
        Assert.Equal(34m, change.FromTarget);
        Assert.Equal(36m, change.ToTarget);
        Assert.Equal(5.88m, change.TargetChangePct);
    }

    [Fact]
    public void Normalize_SameBucketRelabel_IsNotAnUpgrade()
    {
        var change = _normalizer.Normalize(Submission(RatingAction.Upgrade, "Positive", "Buy"), Received);

        Assert.NotEqual(RatingAction.Upgrade, change.Action);
        Assert.Equal(RatingAction.Reiterate, change.Action);
        Assert.Equal("Positive", change.FromRating);
        Assert.Equal("Buy", change.ToRating);
    }

    [Fact]
    public void Normalize_InitiationWithoutPriorRating_IsInitiate()
    {
        var change = _normalizer.Normalize(Submission(null, null, "Outperform", null, 45m), Received);

        Assert.Equal(RatingAction.Initiate, change.Action);
        Assert.Null(change.FromRating);
        Assert.Equal(RatingLevel.Unknown, change.FromLevel);
        Assert.Null(change.TargetChangePct);
    }

    [Theory]
    [InlineData(RatingAction.Initiate)]
    [InlineData(RatingAction.Resume)]
    [InlineData(RatingAction.Suspend)]
    public void Normalize_GivenCoverageAction_IsKept(RatingAction given) =>
        Assert.Equal(given, _normalizer.Normalize(Submission(given, "Hold", "Buy", 10m, 12m), Received).Action);

    [Theory]
    [InlineData("Hold", "Buy", 20.0, 10.0, RatingAction.Upgrade)]
    [InlineData("Buy", "Hold", 10.0, 20.0, RatingAction.Downgrade)]
    [InlineData(null, null, 10.0, 20.0, RatingAction.TargetRaise)]
    [InlineData(null, null, 20.0, 10.0, RatingAction.TargetCut)]
    [InlineData("Buy", "Buy", 20.0, 10.0, RatingAction.TargetCut)]
    public void Normalize_ActionAbsent_InferredFromRatingsThenTargets(string? from, string? to, double fromTarget, double toTarget, RatingAction expected) =>
        Assert.Equal(expected, _normalizer.Normalize(Submission(null, from, to, (decimal)fromTarget, (decimal)toTarget), Received).Action);

    [Theory]
    [InlineData(12.0, 18.0, 50.0)]
    [InlineData(3.0, 4.0, 33.33)]
    [InlineData(3.0, 2.0, -33.33)]
    [InlineData(7.0, 8.0, 14.29)]
    [InlineData(40.0, 30.0, -25.0)]
    [InlineData(18.0, 18.0, 0.0)]
    public void TargetChangePct_BothTargets_IsPercentRoundedToTwoPlaces(double from, double to, double expected) =>
        Assert.Equal((decimal)expected, RatingChangeNormalizer.TargetChangePct((decimal)from, (decimal)to));

    [Fact]
    public void TargetChangePct_Midpoint_RoundsAwayFromZero()
    {
        // (2000.1 - 2000) / 2000 * 100 = 0.005 exactly.
        Assert.Equal(0.01m, RatingChangeNormalizer.TargetChangePct(2000m, 2000.1m));
        Assert.Equal(-0.01m, RatingChangeNormalizer.TargetChangePct(2000m, 1999.9m));
    }

    [Theory]
    [InlineData(null, 18.0)]
    [InlineData(12.0, null)]
    [InlineData(null, null)]
    public void TargetChangePct_MissingTarget_IsNull(double? from, double? to) =>
        Assert.Null(RatingChangeNormalizer.TargetChangePct((decimal?)from, (decimal?)to));

    [Fact]
    public void Normalize_NoPublishedAt_UsesReceivedAt()
    {
        var change = _normalizer.Normalize(Submission(RatingAction.Reiterate), Received);

        Assert.Equal(Received, change.PublishedAt);
        Assert.Equal(Received, change.ReceivedAt);
    }

    [Fact]
    public void Normalize_PublishedAtWithOffset_IsStoredInUtc()
    {
        var change = _normalizer.Normalize(
            Submission(RatingAction.Reiterate) with { PublishedAt = new DateTimeOffset(2025, 12, 2, 15, 30, 0, TimeSpan.FromHours(2)) },
            Received);

        Assert.Equal(TimeSpan.Zero, change.PublishedAt.Offset);
        Assert.Equal(new DateTime(2025, 12, 2, 13, 30, 0), change.PublishedAt.DateTime);
    }

    [Fact]
    public void Normalize_SameChangeFromTwoSources_HasOneId()
    {
        var fromVendorA = Submission(RatingAction.Upgrade, "Neutral", "Overweight", 12m, 18m, "CIFR", "JPMorgan") with
        {
            Analyst = "Reginald Smith",
            Source = "vendor-a",
            SenderId = "a-1",
            Url = "https://a.example.com/1",
            PublishedAt = new DateTimeOffset(2025, 12, 2, 8, 0, 0, TimeSpan.Zero),
        };
        var fromVendorB = Submission(null, "neutral", "overweight", 12.00m, 18.0m, "cifr", "J.P. Morgan") with
        {
            Analyst = "R. Smith",
            Source = "vendor-b",
            SenderId = "b-99",
            PublishedAt = new DateTimeOffset(2025, 12, 2, 21, 45, 0, TimeSpan.Zero),
        };

        var a = _normalizer.Normalize(fromVendorA, Received);
        var b = _normalizer.Normalize(fromVendorB, Received.AddMinutes(5));

        Assert.Equal(a.Id, b.Id);
    }

    [Fact]
    public void Normalize_UnknownFirmSpelledTwoWays_HasOneId()
    {
        var a = _normalizer.Normalize(Submission(RatingAction.Upgrade, "Hold", "Buy", firm: "Acme Research"), Received);
        var b = _normalizer.Normalize(Submission(RatingAction.Upgrade, "Hold", "Buy", firm: "ACME  research"), Received);

        Assert.NotEqual(a.Firm, b.Firm);
        Assert.Equal(a.Id, b.Id);
    }

    [Fact]
    public void Normalize_DifferentTarget_HasDifferentId()
    {
        var a = _normalizer.Normalize(Submission(RatingAction.Upgrade, "Neutral", "Overweight", 12m, 18m), Received);
        var b = _normalizer.Normalize(Submission(RatingAction.Upgrade, "Neutral", "Overweight", 12m, 19m), Received);

        Assert.NotEqual(a.Id, b.Id);
    }

    [Fact]
    public void Normalize_DifferentUtcDay_HasDifferentId()
    {
        var submission = Submission(RatingAction.Upgrade, "Neutral", "Overweight", 12m, 18m);
        var a = _normalizer.Normalize(submission with { PublishedAt = new DateTimeOffset(2025, 12, 2, 23, 59, 0, TimeSpan.Zero) }, Received);
        var b = _normalizer.Normalize(submission with { PublishedAt = new DateTimeOffset(2025, 12, 3, 0, 1, 0, TimeSpan.Zero) }, Received);

        Assert.NotEqual(a.Id, b.Id);
    }

    [Fact]
    public void Normalize_SameUtcDayGivenInAnotherOffset_HasSameId()
    {
        var submission = Submission(RatingAction.Upgrade, "Neutral", "Overweight", 12m, 18m);

        // 2025-12-03T01:00+05:00 is 2025-12-02T20:00Z: the same UTC day as 2025-12-02T08:00Z.
        var a = _normalizer.Normalize(submission with { PublishedAt = new DateTimeOffset(2025, 12, 2, 8, 0, 0, TimeSpan.Zero) }, Received);
        var b = _normalizer.Normalize(submission with { PublishedAt = new DateTimeOffset(2025, 12, 3, 1, 0, 0, TimeSpan.FromHours(5)) }, Received);

        Assert.Equal(a.Id, b.Id);
    }

    [Theory]
    [InlineData("MSFT", "JPMorgan", "Neutral", "USD")]
    [InlineData("CIFR", "Citi", "Neutral", "USD")]
    [InlineData("CIFR", "JPMorgan", "Underweight", "USD")]
    [InlineData("CIFR", "JPMorgan", "Neutral", "CAD")]
    public void Normalize_DifferentTickerFirmRatingOrCurrency_HasDifferentId(string ticker, string firm, string fromRating, string currency)
    {
        var baseline = _normalizer.Normalize(Submission(null, "Neutral", "Overweight", 12m, 18m), Received);
        var other = _normalizer.Normalize(Submission(null, fromRating, "Overweight", 12m, 18m, ticker, firm) with { Currency = currency }, Received);

        Assert.NotEqual(baseline.Id, other.Id);
    }

    [Fact]
    public void Normalize_DateOnly_KeepsTheDateAndSortsAtTheNewYorkClose()
    {
        var change = _normalizer.Normalize(Submission(RatingAction.Upgrade) with { PublishedDate = new DateOnly(2019, 8, 20), PublishedAt = null }, Received);

        Assert.Equal(new DateOnly(2019, 8, 20), change.PublishedDate);
        Assert.Equal(new DateTimeOffset(2019, 8, 20, 20, 0, 0, TimeSpan.Zero), change.PublishedAt); // 16:00 EDT
    }
}

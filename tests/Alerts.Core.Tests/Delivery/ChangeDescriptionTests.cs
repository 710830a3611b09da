using Alerts.Core.Delivery;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Delivery;

public class ChangeDescriptionTests
{
    private static RatingChange Change(
        RatingAction action,
        string? from = null,
        string? to = null,
        decimal? fromTarget = null,
        decimal? toTarget = null,
        string firm = "JPMorgan",
        string ticker = "CIFR",
        string currency = "USD") => TestChanges.Bare(action, ticker, firm) with
        {
            FromRating = from,
            ToRating = to,
            FromTarget = fromTarget,
            ToTarget = toTarget,
            Currency = currency,
            TargetChangePct = RatingChangeNormalizer.TargetChangePct(fromTarget, toTarget),
        };

    [Fact]
    public void Headline_ContractExample_IsExact() =>
        Assert.Equal("JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -> $18", ChangeDescription.Headline(TestChanges.CifrUpgrade()));

    [Fact]
    public void Headline_DowngradeWithTargetRaised_SaysBoth() =>
        Assert.Equal("Citi downgrades ABC to Neutral from Buy, PT $34 -> $36", ChangeDescription.Headline(Change(RatingAction.Downgrade, "Buy", "Neutral", 34m, 36m, "Citi", "ABC")));

    [Fact]
    public void Headline_DowngradeWithoutTargets_HasNoPt() =>
        Assert.Equal("Morgan Stanley downgrades TSLA to Underweight from Equal Weight", ChangeDescription.Headline(Change(RatingAction.Downgrade, "Equal Weight", "Underweight", firm: "Morgan Stanley", ticker: "TSLA")));

    [Fact]
    public void Headline_TargetRaiseWithRating_SaysTargetsThenRating() =>
        Assert.Equal("JPMorgan raises CIFR price target to $18 from $12, Overweight", ChangeDescription.Headline(Change(RatingAction.TargetRaise, "Overweight", "Overweight", 12m, 18m)));

    [Fact]
    public void Headline_TargetCutWithoutRating_SaysTargets() =>
        Assert.Equal("Barclays cuts TSLA price target to $300 from $350", ChangeDescription.Headline(Change(RatingAction.TargetCut, null, null, 350m, 300m, "Barclays", "TSLA")));

    [Fact]
    public void Headline_TargetRaiseWithOnlyNewTarget_SaysNewTarget() =>
        Assert.Equal("UBS raises NVDA price target to $1,000", ChangeDescription.Headline(Change(RatingAction.TargetRaise, null, null, null, 1000m, "UBS", "NVDA")));

    [Fact]
    public void Headline_InitiateWithRatingAndTarget_SaysRatingAndPt() =>
        Assert.Equal("Goldman Sachs initiates CIFR at Buy, PT $20", ChangeDescription.Headline(Change(RatingAction.Initiate, null, "Buy", null, 20m, "Goldman Sachs")));

    [Fact]
    public void Headline_InitiateWithoutRating_SaysCoverage() =>
        Assert.Equal("Goldman Sachs initiates coverage of CIFR", ChangeDescription.Headline(Change(RatingAction.Initiate, firm: "Goldman Sachs")));

    [Fact]
    public void Headline_Resume_SaysResumesCoverageAtRating() =>
        Assert.Equal("Jefferies resumes coverage of CIFR at Hold", ChangeDescription.Headline(Change(RatingAction.Resume, null, "Hold", firm: "Jefferies")));

    [Fact]
    public void Headline_Suspend_SaysSuspendsCoverageAndNoTarget() =>
        Assert.Equal("Jefferies suspends coverage of CIFR", ChangeDescription.Headline(Change(RatingAction.Suspend, "Hold", null, 20m, 20m, "Jefferies")));

    [Fact]
    public void Headline_ReiterateWithUnchangedTarget_SaysRatingAndSinglePt() =>
        Assert.Equal("Needham reiterates Buy on CIFR, PT $18", ChangeDescription.Headline(Change(RatingAction.Reiterate, "Buy", "Buy", 18m, 18m, "Needham")));

    [Fact]
    public void Headline_SameLevelRelabel_SaysReiteratesAndTheOldWord() =>
        Assert.Equal("Needham reiterates Buy on CIFR (was Positive), PT $18", ChangeDescription.Headline(Change(RatingAction.Reiterate, "Positive", "Buy", 18m, 18m, "Needham")));

    [Fact]
    public void Headline_UpgradeWithoutPriorRating_SaysOnlyNewRating() =>
        Assert.Equal("JPMorgan upgrades CIFR to Overweight", ChangeDescription.Headline(Change(RatingAction.Upgrade, null, "Overweight")));

    [Theory]
    [InlineData("CAD", 72.0, "C$72")]
    [InlineData("EUR", 45.0, "€45")]
    [InlineData("GBP", 12.50, "£12.50")]
    [InlineData("HKD", 30.0, "HK$30")]
    [InlineData("JPY", 1200.0, "¥1,200")]
    [InlineData("USD", 1234567.5, "$1,234,567.50")]
    [InlineData("USD", 0.75, "$0.75")]
    [InlineData("SEK", 250.0, "SEK 250")]
    public void Money_Currency_HasSymbolAndThousandsSeparators(string currency, double amount, string expected) =>
        Assert.Equal(expected, ChangeDescription.Money((decimal)amount, currency));

    [Theory]
    [InlineData("CAD", "C$72 -> C$80")]
    [InlineData("EUR", "€72 -> €80")]
    [InlineData("GBP", "£72 -> £80")]
    [InlineData("HKD", "HK$72 -> HK$80")]
    public void Headline_OtherCurrency_UsesItsSymbol(string currency, string expectedPt) =>
        Assert.Equal($"RBC Capital Markets upgrades SHOP to Outperform from Sector Perform, PT {expectedPt}",
            ChangeDescription.Headline(Change(RatingAction.Upgrade, "Sector Perform", "Outperform", 72m, 80m, "RBC Capital Markets", "SHOP", currency)));

    [Fact]
    public void Headline_YenTargets_HaveThousandsSeparators() =>
        Assert.Equal("Nomura cuts 7203.T price target to ¥1,200 from ¥1,500",
            ChangeDescription.Headline(Change(RatingAction.TargetCut, null, null, 1500m, 1200m, "Nomura", "7203.T", "JPY")));

    [Theory]
    [InlineData(12.0, 18.0, "$12 -> $18 (+50%)")]
    [InlineData(20.0, 15.0, "$20 -> $15 (-25%)")]
    [InlineData(3.0, 4.0, "$3 -> $4 (+33.3%)")]
    [InlineData(18.0, 18.0, "$18 -> $18 (0%)")]
    public void Targets_BothTargets_SaysMoveAndPercent(double from, double to, string expected) =>
        Assert.Equal(expected, ChangeDescription.Targets(Change(RatingAction.Reiterate, fromTarget: (decimal)from, toTarget: (decimal)to)));

    [Fact]
    public void Targets_OnlyNewTarget_SaysIt() =>
        Assert.Equal("£12.50", ChangeDescription.Targets(Change(RatingAction.Initiate, toTarget: 12.5m, currency: "GBP")));

    [Fact]
    public void Targets_None_IsNull() =>
        Assert.Null(ChangeDescription.Targets(Change(RatingAction.Upgrade, "Hold", "Buy")));

    [Fact]
    public void Published_DateOnly_IsTheDateAndATimedChangeItsUtcTime()
    {
        var timed = TestChanges.CifrUpgrade();
        var dated = timed with { PublishedAt = MarketDates.SortInstant(new DateOnly(2019, 8, 20)), PublishedDate = new DateOnly(2019, 8, 20) };

        Assert.Equal("2025-12-02 13:30 UTC", ChangeDescription.Published(timed));
        Assert.Equal("2019-08-20", ChangeDescription.Published(dated));
        Assert.Contains(("Published", "2019-08-20"), ChangeDescription.Facts(dated));
    }
}

using Alerts.Core.Ratings;
using Alerts.Infrastructure.Feeds;

namespace Alerts.Feeds.Tests.Mapping;

public sealed class VendorActionsTests
{
    [Theory]
    // Finnhub / Yahoo
    [InlineData("up", RatingAction.Upgrade)]
    [InlineData("down", RatingAction.Downgrade)]
    [InlineData("init", RatingAction.Initiate)]
    [InlineData("reit", RatingAction.Reiterate)]
    [InlineData("main", RatingAction.Reiterate)]
    // FMP
    [InlineData("upgrade", RatingAction.Upgrade)]
    [InlineData("downgrade", RatingAction.Downgrade)]
    [InlineData("maintain", RatingAction.Reiterate)]
    [InlineData("hold", RatingAction.Reiterate)]
    [InlineData("initialise", RatingAction.Initiate)]
    // Benzinga
    [InlineData("Upgrades", RatingAction.Upgrade)]
    [InlineData("Downgrades", RatingAction.Downgrade)]
    [InlineData("Maintains", RatingAction.Reiterate)]
    [InlineData("Reiterates", RatingAction.Reiterate)]
    [InlineData("Reinstates", RatingAction.Resume)]
    [InlineData("Assumes", RatingAction.Resume)]
    [InlineData("Initiates Coverage On", RatingAction.Initiate)]
    [InlineData("  initiates   coverage ON ", RatingAction.Initiate)]
    [InlineData("Terminates Coverage On", RatingAction.Suspend)]
    [InlineData("Removes", RatingAction.Suspend)]
    [InlineData("Suspends", RatingAction.Suspend)]
    [InlineData("Firm Dissolved", RatingAction.Suspend)]
    public void RatingWord_KnownWord_MapsToOurAction(string word, RatingAction expected) =>
        Assert.Equal(expected, VendorActions.RatingWord(word));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Changes")]
    [InlineData("Announces")]
    public void RatingWord_UnknownOrAbsent_IsNull(string? word) => Assert.Null(VendorActions.RatingWord(word));

    [Theory]
    [InlineData("Maintains", "Raises", RatingAction.TargetRaise)]
    [InlineData("Reiterates", "Lowers", RatingAction.TargetCut)]
    [InlineData("Maintains", "Maintains", RatingAction.Reiterate)]
    [InlineData("Upgrades", "Lowers", RatingAction.Upgrade)] // both facts stay: the targets are kept as given
    [InlineData("Downgrades", "Raises", RatingAction.Downgrade)]
    [InlineData("", "Raises", RatingAction.TargetRaise)]
    [InlineData("Initiates Coverage On", "Announces", RatingAction.Initiate)]
    public void Combine_RatingAndTargetWords_KeepTheMoreTellingOne(string rating, string target, RatingAction expected) =>
        Assert.Equal(expected, VendorActions.Combine(rating, target));

    [Theory]
    // The headlines of FMP's recorded price-target news (VendorSamples/fmp-price-target-news-AAPL.json).
    [InlineData("Apple Gets Rare Downgrade From Jefferies, Analyst Warns On Slowing Revenue Growth, Missed Forecasts, And Falling iPhone Demand", RatingAction.Downgrade)]
    [InlineData("Apple Analyst Says iPhone 15 Pro, Pro Max Preorders Strong Out Of The Gates, Increasing Confidence In Estimates For Holiday Quarter", null)]
    [InlineData("Apple's Vision Pro Price Tag, Release Date Find Little Love On The Street: Why One Analyst Says Disney Acquisition More Likely After WWDC", null)]
    // FMP's v4 sample (VendorSamples/fmp-v4-upgrades-downgrades-docs.json).
    [InlineData("Barclays Maintains Equal-Weight on Altice USA, Lowers Price Target to $17", RatingAction.TargetCut)]
    [InlineData("Delta Air Lines 3Q23 Earnings In Focus: BofA Securities Expects No Surprises And Highlights Cost Pressure", null)]
    [InlineData("Goldman upgrades X, downgrades Y", null)] // two actions: not one
    [InlineData("", null)]
    public void FromHeadline_StatesTheActionOnlyWhereTheHeadlineDoes(string title, RatingAction? expected) =>
        Assert.Equal(expected, VendorActions.FromHeadline(title));
}

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
    [InlineData("Morgan Stanley raises Apple price target to $273 from $253", RatingAction.TargetRaise)]
    [InlineData("Biogen stock price target raised to $392 from $320 at Instinet", RatingAction.TargetRaise)]
    [InlineData("HSBC lowers Nvidia PT to $290", RatingAction.TargetCut)]
    [InlineData("Susquehanna cuts Twitter price objective to $35", RatingAction.TargetCut)]
    [InlineData("Loop Capital initiates Nvidia at Buy with $250 price target", RatingAction.Initiate)]
    [InlineData("Nvidia price target set at $240 by Citigroup", null)]
    [InlineData("Fed cuts rates; Apple rises", null)] // no target mentioned: nothing read from it
    [InlineData("", null)]
    public void FromTargetHeadline_SaysWhatItPlainlySays(string title, RatingAction? expected) =>
        Assert.Equal(expected, VendorActions.FromTargetHeadline(title));
}

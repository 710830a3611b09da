using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.Ratings;

public class ActionInferenceTests
{
    private static RatingAction Infer(RatingAction? given, string? from, string? to, decimal? fromTarget = null, decimal? toTarget = null) =>
        ActionInference.Infer(given, from, RatingScale.Classify(from), to, RatingScale.Classify(to), fromTarget, toTarget);

    [Theory]
    [InlineData("Neutral", "Overweight", RatingAction.Upgrade)]
    [InlineData("Sell", "Hold", RatingAction.Upgrade)]
    [InlineData("Buy", "Strong Buy", RatingAction.Upgrade)]
    [InlineData("Overweight", "Neutral", RatingAction.Downgrade)]
    [InlineData("Equal Weight", "Underweight", RatingAction.Downgrade)]
    [InlineData("Outperform", "Sector Underperform", RatingAction.Downgrade)]
    public void Infer_NoActionAndRatingsMoved_FollowsTheScale(string from, string to, RatingAction expected) =>
        Assert.Equal(expected, Infer(null, from, to));

    [Fact]
    public void Infer_TargetAloneNothingToCompareWith_IsATargetSetNotAReiteration() =>
        Assert.Equal(RatingAction.TargetSet, Infer(null, null, null, toTarget: 200.75m));

    [Fact]
    public void Infer_TargetAloneWithTheSendersOwnAction_KeepsIt()
    {
        Assert.Equal(RatingAction.Initiate, Infer(RatingAction.Initiate, null, null, toTarget: 200m));
        Assert.Equal(RatingAction.Downgrade, Infer(RatingAction.Downgrade, null, null, toTarget: 200.75m));
        Assert.Equal(RatingAction.Reiterate, Infer(RatingAction.Reiterate, null, null, toTarget: 200m));
    }

    [Fact]
    public void Infer_TargetAloneWithAPriorTargetKept_IsAReiteration() =>
        Assert.Equal(RatingAction.Reiterate, Infer(null, null, null, fromTarget: 200m, toTarget: 200m));

    [Fact]
    public void Infer_ReiterateLabelButRatingMovedDown_IsDowngrade() =>
        Assert.Equal(RatingAction.Downgrade, Infer(RatingAction.Reiterate, "Equal Weight", "Underweight"));

    [Fact]
    public void Infer_ReiterateLabelButRatingMovedUp_IsUpgrade() =>
        Assert.Equal(RatingAction.Upgrade, Infer(RatingAction.Reiterate, "Hold", "Buy"));

    [Fact]
    public void Infer_UpgradeLabelOnSameRatingWithTargetRaised_IsTargetRaise() =>
        Assert.Equal(RatingAction.TargetRaise, Infer(RatingAction.Upgrade, "BUY", "BUY", 950m, 1500m));

    [Fact]
    public void Infer_DowngradeLabelOnSameRatingWithTargetCut_IsTargetCut() =>
        Assert.Equal(RatingAction.TargetCut, Infer(RatingAction.Downgrade, "Hold", "hold", 40m, 30m));

    [Fact]
    public void Infer_RatingCutWhileTargetRaised_IsDowngrade() =>
        Assert.Equal(RatingAction.Downgrade, Infer(null, "Buy", "Neutral", 34m, 36m));

    [Theory]
    [InlineData(null)]
    [InlineData(RatingAction.Upgrade)]
    public void Infer_SameLevelRelabel_IsNotAnUpgrade(RatingAction? given) =>
        Assert.Equal(RatingAction.Reiterate, Infer(given, "Positive", "Buy"));

    [Fact]
    public void Infer_SameLevelRelabelWithTargetRaise_IsTargetRaise() =>
        Assert.Equal(RatingAction.TargetRaise, Infer(null, "Outperform", "Overweight", 10m, 11m));

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, 25.0)]
    public void Infer_NoPriorRatingNoTargetMove_IsInitiate(string? fromRating, double? toTarget) =>
        Assert.Equal(RatingAction.Initiate, Infer(null, fromRating, "Outperform", null, (decimal?)toTarget));

    [Theory]
    [InlineData(RatingAction.Initiate)]
    [InlineData(RatingAction.Resume)]
    [InlineData(RatingAction.Suspend)]
    public void Infer_GivenCoverageAction_IsKeptWhateverTheFacts(RatingAction given)
    {
        Assert.Equal(given, Infer(given, "Neutral", "Overweight", 12m, 18m));
        Assert.Equal(given, Infer(given, null, null));
    }

    [Theory]
    [InlineData(10.0, 12.0, RatingAction.TargetRaise)]
    [InlineData(12.0, 10.0, RatingAction.TargetCut)]
    public void Infer_NoActionNoRatings_FollowsTheTargets(double fromTarget, double toTarget, RatingAction expected) =>
        Assert.Equal(expected, Infer(null, null, null, (decimal)fromTarget, (decimal)toTarget));

    [Fact]
    public void Infer_TargetRaiseLabelButTargetFell_IsTargetCut() =>
        Assert.Equal(RatingAction.TargetCut, Infer(RatingAction.TargetRaise, null, null, 20m, 15m));

    [Fact]
    public void Infer_RatingsComeBeforeTargets_UpgradeWithTargetCutIsUpgrade() =>
        Assert.Equal(RatingAction.Upgrade, Infer(null, "Underweight", "Neutral", 20m, 15m));

    [Fact]
    public void Infer_UnknownWordsThatDiffer_KeepGivenActionAndNeverGuess()
    {
        Assert.Equal(RatingAction.Downgrade, Infer(RatingAction.Downgrade, "Fancy", "Meh"));
        Assert.Equal(RatingAction.Reiterate, Infer(null, "Fancy", "Meh"));
    }

    [Fact]
    public void Infer_OneUnknownWord_DoesNotGuessADirection() =>
        Assert.Equal(RatingAction.Reiterate, Infer(null, "Neutral", "Shiny"));

    [Fact]
    public void Infer_SameUnknownWordWithTargetCut_IsTargetCut() =>
        Assert.Equal(RatingAction.TargetCut, Infer(RatingAction.Upgrade, "Shiny", "shiny", 50m, 40m));

    [Fact]
    public void Infer_NothingButAGivenAction_KeepsIt() =>
        Assert.Equal(RatingAction.TargetRaise, Infer(RatingAction.TargetRaise, null, null));

    [Fact]
    public void Infer_EqualTargetsAndSameRating_IsReiterate() =>
        Assert.Equal(RatingAction.Reiterate, Infer(null, "Buy", "Buy", 18m, 18m));
}

using Alerts.Core.Matching;
using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.Matching;

public class ChangeDirectionsTests
{
    [Theory]
    [InlineData(RatingAction.Upgrade, RatingLevel.Hold, ChangeDirection.Positive)]
    [InlineData(RatingAction.Upgrade, RatingLevel.Unknown, ChangeDirection.Positive)]
    [InlineData(RatingAction.TargetRaise, RatingLevel.Sell, ChangeDirection.Positive)]
    [InlineData(RatingAction.Initiate, RatingLevel.Buy, ChangeDirection.Positive)]
    [InlineData(RatingAction.Initiate, RatingLevel.StrongBuy, ChangeDirection.Positive)]
    [InlineData(RatingAction.Resume, RatingLevel.Buy, ChangeDirection.Positive)]
    [InlineData(RatingAction.Downgrade, RatingLevel.Buy, ChangeDirection.Negative)]
    [InlineData(RatingAction.TargetCut, RatingLevel.StrongBuy, ChangeDirection.Negative)]
    [InlineData(RatingAction.Suspend, RatingLevel.Unknown, ChangeDirection.Negative)]
    [InlineData(RatingAction.Initiate, RatingLevel.Sell, ChangeDirection.Negative)]
    [InlineData(RatingAction.Resume, RatingLevel.StrongSell, ChangeDirection.Negative)]
    [InlineData(RatingAction.Initiate, RatingLevel.Hold, ChangeDirection.Neutral)]
    [InlineData(RatingAction.Initiate, RatingLevel.Unknown, ChangeDirection.Neutral)]
    [InlineData(RatingAction.Resume, RatingLevel.Hold, ChangeDirection.Neutral)]
    [InlineData(RatingAction.Reiterate, RatingLevel.StrongBuy, ChangeDirection.Neutral)]
    [InlineData(RatingAction.Reiterate, RatingLevel.StrongSell, ChangeDirection.Neutral)]
    public void Of_ActionAndNewRating_GivesTheDocumentedDirection(RatingAction action, RatingLevel toLevel, ChangeDirection expected) =>
        Assert.Equal(expected, ChangeDirections.Of(action, toLevel));

    [Fact]
    public void Of_EveryActionAndLevel_IsDefined()
    {
        foreach (var action in Enum.GetValues<RatingAction>())
        {
            foreach (var level in Enum.GetValues<RatingLevel>())
            {
                Assert.True(Enum.IsDefined(ChangeDirections.Of(action, level)));
            }
        }
    }

    [Fact]
    public void Of_Change_UsesItsActionAndNewRating() =>
        Assert.Equal(ChangeDirection.Positive, ChangeDirections.Of(Alerts.Core.Tests.TestSupport.TestChanges.CifrUpgrade()));
}

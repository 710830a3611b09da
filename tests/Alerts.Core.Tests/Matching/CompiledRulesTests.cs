using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Matching;

/// <summary>The rules added with the preference page: excluded firms, a minimum new rating, direction, pause; and the compiled form.</summary>
public class CompiledRulesTests
{
    private static RatingChange Change(RatingAction action, RatingLevel toLevel, string firm = "JPMorgan", decimal? from = null, decimal? to = null) =>
        TestChanges.Bare(action, firm: firm) with
        {
            ToLevel = toLevel,
            FromTarget = from,
            ToTarget = to,
            TargetChangePct = RatingChangeNormalizer.TargetChangePct(from, to),
        };

    [Fact]
    public void Matches_ExcludedFirm_False()
    {
        var rules = new SubscriberRules { ExcludeFirms = ["Citi", "JPMorgan"] };

        Assert.False(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade, firm: "JPMorgan"), rules));
        Assert.False(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade, firm: "jpmorgan"), rules));
        Assert.True(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade, firm: "UBS"), rules));
    }

    [Fact]
    public void Matches_IncludedAndExcludedFirms_BothApply()
    {
        var rules = new SubscriberRules { Firms = ["UBS", "Citi"], ExcludeFirms = ["Citi"] };

        Assert.True(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade, firm: "UBS"), rules));
        Assert.False(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade, firm: "Citi"), rules));
        Assert.False(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade, firm: "JPMorgan"), rules));
    }

    [Theory]
    [InlineData(RatingLevel.Buy, RatingLevel.StrongBuy, true)]
    [InlineData(RatingLevel.Buy, RatingLevel.Buy, true)]     // the threshold itself passes
    [InlineData(RatingLevel.Buy, RatingLevel.Hold, false)]
    [InlineData(RatingLevel.Buy, RatingLevel.Unknown, false)] // an unknown new rating never passes
    [InlineData(RatingLevel.StrongSell, RatingLevel.StrongSell, true)]
    [InlineData(RatingLevel.StrongSell, RatingLevel.Unknown, false)]
    [InlineData(RatingLevel.Hold, RatingLevel.Sell, false)]
    [InlineData(RatingLevel.StrongBuy, RatingLevel.Buy, false)]
    public void Matches_MinRating_ComparesTheNewRatingOnTheCommonScale(RatingLevel min, RatingLevel toLevel, bool expected) =>
        Assert.Equal(expected, AlertMatcher.Matches(Change(RatingAction.Upgrade, toLevel), new SubscriberRules { MinRating = min }));

    [Fact]
    public void Matches_NoMinRating_UnknownNewRatingPasses() =>
        Assert.True(AlertMatcher.Matches(Change(RatingAction.Suspend, RatingLevel.Unknown), SubscriberRules.Any));

    [Theory]
    [InlineData(NewsDirection.Positive, RatingAction.Upgrade, RatingLevel.Hold, true)]
    [InlineData(NewsDirection.Positive, RatingAction.TargetRaise, RatingLevel.Hold, true)]
    [InlineData(NewsDirection.Positive, RatingAction.Initiate, RatingLevel.Buy, true)]
    [InlineData(NewsDirection.Positive, RatingAction.Initiate, RatingLevel.Hold, false)]
    [InlineData(NewsDirection.Positive, RatingAction.Downgrade, RatingLevel.Hold, false)]
    [InlineData(NewsDirection.Positive, RatingAction.Reiterate, RatingLevel.StrongBuy, false)]
    [InlineData(NewsDirection.Negative, RatingAction.Downgrade, RatingLevel.Hold, true)]
    [InlineData(NewsDirection.Negative, RatingAction.TargetCut, RatingLevel.Buy, true)]
    [InlineData(NewsDirection.Negative, RatingAction.Suspend, RatingLevel.Unknown, true)]
    [InlineData(NewsDirection.Negative, RatingAction.Resume, RatingLevel.Sell, true)]
    [InlineData(NewsDirection.Negative, RatingAction.Resume, RatingLevel.Buy, false)]
    [InlineData(NewsDirection.Negative, RatingAction.Upgrade, RatingLevel.Buy, false)]
    [InlineData(NewsDirection.Any, RatingAction.Reiterate, RatingLevel.Hold, true)]
    [InlineData(NewsDirection.Any, RatingAction.Suspend, RatingLevel.Unknown, true)]
    public void Matches_Direction_FollowsChangeDirections(NewsDirection direction, RatingAction action, RatingLevel toLevel, bool expected) =>
        Assert.Equal(expected, AlertMatcher.Matches(Change(action, toLevel), new SubscriberRules { Direction = direction }));

    [Fact]
    public void Matches_NegativeDirectionAndDowngradeThatRaisedTheTarget_TheActionDecides()
    {
        var downgradeWithRaise = Change(RatingAction.Downgrade, RatingLevel.Hold, from: 30m, to: 35m);

        Assert.True(AlertMatcher.Matches(downgradeWithRaise, new SubscriberRules { Direction = NewsDirection.Negative }));
        Assert.False(AlertMatcher.Matches(downgradeWithRaise, new SubscriberRules { Direction = NewsDirection.Positive }));

        // ...while a target_raise action rule still follows the target whatever the action.
        Assert.True(AlertMatcher.Matches(downgradeWithRaise, new SubscriberRules { Actions = [RatingAction.TargetRaise] }));
    }

    [Theory]
    [InlineData(RatingAction.Upgrade)]
    [InlineData(RatingAction.Suspend)]
    [InlineData(RatingAction.Reiterate)]
    public void Matches_Paused_MatchesNothing(RatingAction action)
    {
        Assert.False(AlertMatcher.Matches(Change(action, RatingLevel.Buy), new SubscriberRules { Paused = true }));
        Assert.False(AlertMatcher.Matches(Change(action, RatingLevel.Buy), new SubscriberRules { Paused = true, Actions = [action] }));
    }

    [Fact]
    public void Matches_EveryRuleSet_AllMustPass()
    {
        var rules = new SubscriberRules
        {
            Actions = [RatingAction.Upgrade, RatingAction.Initiate],
            Firms = ["JPMorgan", "UBS"],
            ExcludeFirms = ["Citi"],
            MinTargetChangePct = 20m,
            MinRating = RatingLevel.Buy,
            Direction = NewsDirection.Positive,
        };
        var change = Change(RatingAction.Upgrade, RatingLevel.Buy, from: 12m, to: 18m);

        Assert.True(AlertMatcher.Matches(change, rules));
        Assert.False(AlertMatcher.Matches(change with { Firm = "Citi" }, rules));
        Assert.False(AlertMatcher.Matches(change with { ToLevel = RatingLevel.Hold }, rules));
        Assert.False(AlertMatcher.Matches(change with { TargetChangePct = 10m }, rules));
        Assert.False(AlertMatcher.Matches(change with { Action = RatingAction.Reiterate }, rules));
        Assert.False(AlertMatcher.Matches(change, rules with { Paused = true }));
    }

    [Fact]
    public void Compiled_IsBuiltOnceAndNotCarriedIntoACopy()
    {
        var rules = new SubscriberRules { Actions = [RatingAction.Upgrade] };
        var compiled = rules.Compiled;
        var paused = rules with { Paused = true };

        Assert.Same(compiled, rules.Compiled);
        Assert.NotSame(compiled, paused.Compiled);
        Assert.True(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade), rules));
        Assert.False(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade), paused));
    }

    [Fact]
    public void Matches_WithCompiledRulesAndFacts_AllocatesNothing()
    {
        var rules = new SubscriberRules
        {
            Actions = [RatingAction.Upgrade, RatingAction.TargetCut],
            Firms = ["JPMorgan", "UBS", "Citi"],
            ExcludeFirms = ["Jefferies"],
            MinTargetChangePct = 10m,
            MinRating = RatingLevel.Hold,
            Direction = NewsDirection.Positive,
        };
        var facts = ChangeFacts.Of(TestChanges.CifrUpgrade());
        Assert.True(AlertMatcher.Matches(in facts, rules)); // compiles, and warms up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var matched = 0;
        for (var i = 0; i < 10_000; i++)
        {
            if (AlertMatcher.Matches(in facts, rules))
            {
                matched++;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_000, matched);
    }

    [Fact]
    public void Equals_SameRulesInOtherLists_AreEqual()
    {
        var a = new SubscriberRules { Actions = [RatingAction.Upgrade], Firms = ["UBS"], MinRating = RatingLevel.Buy, Direction = NewsDirection.Positive };
        var b = new SubscriberRules { Actions = [RatingAction.Upgrade], Firms = ["UBS"], MinRating = RatingLevel.Buy, Direction = NewsDirection.Positive };
        _ = a.Compiled;

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Paused = true });
        Assert.NotEqual(a, b with { ExcludeFirms = ["Citi"] });
    }
}

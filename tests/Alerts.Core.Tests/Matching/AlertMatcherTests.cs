using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Matching;

public class AlertMatcherTests
{
    private static RatingChange WithTargets(RatingAction action, decimal? from, decimal? to) =>
        TestChanges.Bare(action) with
        {
            FromTarget = from,
            ToTarget = to,
            TargetChangePct = RatingChangeNormalizer.TargetChangePct(from, to),
        };

    [Theory]
    [InlineData(RatingAction.Upgrade)]
    [InlineData(RatingAction.Downgrade)]
    [InlineData(RatingAction.Initiate)]
    [InlineData(RatingAction.Reiterate)]
    [InlineData(RatingAction.TargetRaise)]
    [InlineData(RatingAction.TargetCut)]
    [InlineData(RatingAction.Resume)]
    [InlineData(RatingAction.Suspend)]
    public void Matches_EmptyRules_MatchesEveryChange(RatingAction action)
    {
        Assert.True(AlertMatcher.Matches(TestChanges.Bare(action), SubscriberRules.Any));
        Assert.True(AlertMatcher.Matches(TestChanges.Bare(action), new SubscriberRules()));
    }

    [Fact]
    public void Matches_ActionInRules_True()
    {
        var rules = new SubscriberRules { Actions = [RatingAction.Upgrade, RatingAction.Downgrade] };

        Assert.True(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade), rules));
        Assert.True(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Downgrade), rules));
    }

    [Theory]
    [InlineData(RatingAction.Reiterate)]
    [InlineData(RatingAction.Initiate)]
    [InlineData(RatingAction.Suspend)]
    public void Matches_ActionNotInRules_False(RatingAction action) =>
        Assert.False(AlertMatcher.Matches(TestChanges.Bare(action), new SubscriberRules { Actions = [RatingAction.Upgrade, RatingAction.Downgrade] }));

    [Fact]
    public void Matches_TargetCutRuleAndDowngradeThatCutTheTarget_True()
    {
        // Contract: it must be possible to subscribe to "target cut by 20% or more" whatever the rating did.
        var rules = new SubscriberRules { Actions = [RatingAction.TargetCut], MinTargetChangePct = 20m };

        Assert.True(AlertMatcher.Matches(WithTargets(RatingAction.Downgrade, 40m, 30m), rules));
        Assert.True(AlertMatcher.Matches(WithTargets(RatingAction.TargetCut, 40m, 30m), rules));
    }

    [Fact]
    public void Matches_TargetCutRuleAndTargetRaised_False()
    {
        var rules = new SubscriberRules { Actions = [RatingAction.TargetCut], MinTargetChangePct = 20m };

        Assert.False(AlertMatcher.Matches(WithTargets(RatingAction.Downgrade, 30m, 40m), rules));
        Assert.False(AlertMatcher.Matches(WithTargets(RatingAction.TargetRaise, 30m, 40m), rules));
    }

    [Fact]
    public void Matches_TargetRaiseRuleAndDowngradeThatRaisedTheTarget_True() =>
        Assert.True(AlertMatcher.Matches(WithTargets(RatingAction.Downgrade, 34m, 36m), new SubscriberRules { Actions = [RatingAction.TargetRaise] }));

    [Fact]
    public void Matches_TargetRaiseRuleAndUpgradeWithoutTargets_False() =>
        Assert.False(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade), new SubscriberRules { Actions = [RatingAction.TargetRaise] }));

    [Fact]
    public void Matches_FirmInRules_True() =>
        Assert.True(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade), new SubscriberRules { Firms = ["Citi", "JPMorgan"] }));

    [Fact]
    public void Matches_FirmInRulesOtherCase_True() =>
        Assert.True(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade), new SubscriberRules { Firms = ["jpmorgan"] }));

    [Fact]
    public void Matches_FirmNotInRules_False() =>
        Assert.False(AlertMatcher.Matches(TestChanges.Bare(RatingAction.Upgrade), new SubscriberRules { Firms = ["Citi", "Goldman Sachs"] }));

    [Theory]
    [InlineData("J.P. Morgan", "JPM")]
    [InlineData("JPMorgan Chase", "J.P. Morgan Securities")]
    [InlineData("Merrill Lynch", "BofA")]
    [InlineData("Evercore", "Evercore ISI")]
    public void Matches_FirmRuleAndChangeFromAliases_MatchOnCanonicalName(string subscribedAs, string reportedAs)
    {
        var firms = FirmDirectory.Default;
        var rules = new SubscriberRules { Firms = [firms.Canonicalize(subscribedAs)] };
        var change = new RatingChangeNormalizer(firms).Normalize(
            new RatingChangeSubmission { Ticker = "CIFR", Firm = reportedAs, Action = RatingAction.Upgrade },
            TestChanges.Now);

        Assert.True(AlertMatcher.Matches(change, rules));
    }

    [Theory]
    [InlineData(10.0, 12.5, 20.0, true)]   // +25%
    [InlineData(40.0, 30.0, 20.0, true)]   // -25%: the absolute move counts
    [InlineData(10.0, 12.0, 20.0, true)]   // +20%: the minimum itself passes
    [InlineData(10.0, 11.0, 20.0, false)]  // +10%
    [InlineData(10.0, 9.0, 20.0, false)]   // -10%
    [InlineData(10.0, 10.0, 0.5, false)]   // no move
    public void Matches_MinTargetChangePct_ComparesAbsoluteMove(double from, double to, double min, bool expected)
    {
        var change = WithTargets(RatingAction.Reiterate, (decimal)from, (decimal)to);

        Assert.Equal(expected, AlertMatcher.Matches(change, new SubscriberRules { MinTargetChangePct = (decimal)min }));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, 18.0)]
    [InlineData(12.0, null)]
    public void Matches_MinSetAndChangeWithoutBothTargets_False(double? from, double? to)
    {
        var change = WithTargets(RatingAction.Upgrade, (decimal?)from, (decimal?)to);

        Assert.False(AlertMatcher.Matches(change, new SubscriberRules { MinTargetChangePct = 1m }));
        Assert.True(AlertMatcher.Matches(change, SubscriberRules.Any));
    }

    [Fact]
    public void Matches_AllRulesMustPass()
    {
        var change = WithTargets(RatingAction.Upgrade, 12m, 18m);
        var rules = new SubscriberRules { Actions = [RatingAction.Upgrade], Firms = ["JPMorgan"], MinTargetChangePct = 30m };

        Assert.True(AlertMatcher.Matches(change, rules));
        Assert.False(AlertMatcher.Matches(change with { Firm = "Citi" }, rules));
        Assert.False(AlertMatcher.Matches(change with { Action = RatingAction.Downgrade }, rules));
        Assert.False(AlertMatcher.Matches(change with { TargetChangePct = 10m }, rules));
    }
}

using Alerts.Core.Context;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;
using static Alerts.Core.Tests.TestSupport.StreetRows;

namespace Alerts.Core.Tests.Context;

/// <summary>Each reason a call matters, from a history built for it; and a plain call that gets no line.</summary>
public class NotableCallsTests
{
    /// <summary>JPMorgan upgrades CIFR to Overweight from Neutral (Hold to Buy), PT $12 -> $18.</summary>
    private static readonly RatingChange Upgrade = TestChanges.CifrUpgrade();

    private static TimeSpan Days(double days) => TimeSpan.FromDays(days);

    private static IReadOnlyList<NotableCall> Find(RatingChange change, params RatingChange[] history)
    {
        var rows = history.Append(change).ToList();
        var window = rows.Where(r => r.PublishedAt >= change.PublishedAt - StreetContextCalculator.Window).ToList();
        return NotableCalls.Find(change, rows, StreetContextCalculator.Calculate(change, window));
    }

    private static IEnumerable<NotableCallKind> Kinds(IReadOnlyList<NotableCall> lines) => lines.Select(l => l.Kind);

    [Fact]
    public void Find_AnOrdinaryCallInTheMiddleOfTheStreet_HasNoLine()
    {
        var lines = Find(Upgrade, Row("JPMorgan", Days(60), "Neutral", 12m), Row("UBS", Days(10), "Buy", 20m), Row("Citi", Days(20), "Buy", 16m), Row("Barclays", Days(30), "Overweight", 17m));

        Assert.Empty(lines);
    }

    [Fact]
    public void Find_TargetAboveEveryOtherFirm_IsANewStreetHigh()
    {
        var lines = Find(Upgrade, Row("JPMorgan", Days(60), "Neutral", 12m), Row("UBS", Days(10), "Buy", 16m), Row("Citi", Days(20), "Buy", 15m));

        var line = Assert.Single(lines, l => l.Kind == NotableCallKind.StreetHigh);
        Assert.Equal("New street-high target: JPMorgan's $18 is above every other firm's latest (2 others in the last 90 days).", line.Line);
        Assert.DoesNotContain(NotableCallKind.StreetLow, Kinds(lines));
    }

    [Fact]
    public void Find_TargetBelowEveryOtherFirm_IsANewStreetLow()
    {
        var cut = Upgrade with { Action = RatingAction.TargetCut, FromRating = "Buy", ToRating = "Buy", FromLevel = RatingLevel.Buy, ToLevel = RatingLevel.Buy, FromTarget = 20m, ToTarget = 14m };

        var lines = Find(cut, Row("UBS", Days(10), "Buy", 16m), Row("Citi", Days(20), "Buy", 17m));

        Assert.Contains(NotableCallKind.StreetLow, Kinds(lines));
        Assert.DoesNotContain(NotableCallKind.StreetHigh, Kinds(lines));
    }

    [Fact]
    public void Find_TiedWithTheHighOrTheOnlyTarget_IsNoStreetHigh()
    {
        Assert.DoesNotContain(NotableCallKind.StreetHigh, Kinds(Find(Upgrade, Row("UBS", Days(10), "Buy", 18m), Row("Citi", Days(20), "Buy", 15m))));
        Assert.DoesNotContain(NotableCallKind.StreetHigh, Kinds(Find(Upgrade)));
    }

    [Fact]
    public void Find_SellToBuy_IsATwoNotchUpgrade()
    {
        var leap = Upgrade with { FromRating = "Sell", FromLevel = RatingLevel.Sell, ToRating = "Buy", ToLevel = RatingLevel.Buy };

        var line = Assert.Single(Find(leap), l => l.Kind == NotableCallKind.TwoNotches);

        Assert.Equal("A 2-notch upgrade on the common scale: Sell to Buy.", line.Line);
    }

    [Fact]
    public void Find_OneNotch_IsNoNotchLine() =>
        Assert.DoesNotContain(NotableCallKind.TwoNotches, Kinds(Find(Upgrade)));

    [Fact]
    public void Find_UpgradeToBuyWhereMostSayHoldOrSell_IsAgainstTheConsensus()
    {
        var lines = Find(Upgrade, Row("UBS", Days(10), "Sell", 10m), Row("Citi", Days(20), "Neutral", 12m), Row("Barclays", Days(30), "Buy", 18m));

        var line = Assert.Single(lines, l => l.Kind == NotableCallKind.AgainstConsensus);
        Assert.Equal("Against the consensus: 2 of the 3 other rated firms are below Buy (Hold or Sell).", line.Line);
    }

    [Fact]
    public void Find_DowngradeToSellWhereMostSayBuy_IsAgainstTheConsensus()
    {
        var downgrade = Upgrade with { Action = RatingAction.Downgrade, FromRating = "Neutral", ToRating = "Underweight", FromLevel = RatingLevel.Hold, ToLevel = RatingLevel.Sell, ToTarget = 10m };

        var lines = Find(downgrade, Row("UBS", Days(10), "Buy", 15m), Row("Citi", Days(20), "Outperform", 14m));

        Assert.Contains(NotableCallKind.AgainstConsensus, Kinds(lines));
    }

    [Fact]
    public void Find_UpgradeToBuyWithTheStreet_IsNotAgainstIt() =>
        Assert.DoesNotContain(NotableCallKind.AgainstConsensus, Kinds(Find(Upgrade, Row("UBS", Days(10), "Buy", 17m), Row("Citi", Days(20), "Neutral", 17m), Row("Barclays", Days(30), "Buy", 18m))));

    [Fact]
    public void Find_FirmsLastCallOverAYearAgo_IsItsFirstInMonths()
    {
        var lines = Find(Upgrade, Row("J.P. Morgan", Days(500), "Neutral", 12m), Row("UBS", Days(10), "Buy", 17m), Row("Citi", Days(20), "Buy", 19m));

        var line = Assert.Single(lines, l => l.Kind == NotableCallKind.FirstInMonths);
        Assert.Equal("JPMorgan's first call on CIFR in 16 months (the last: 20 Jul 2024).", line.Line);
    }

    [Fact]
    public void Find_FirmsLastCallWithinTheYear_IsNotItsFirst() =>
        Assert.DoesNotContain(NotableCallKind.FirstInMonths, Kinds(Find(Upgrade, Row("JPMorgan", Days(300), "Neutral", 12m), Row("UBS", Days(500), "Buy", 17m))));

    [Fact]
    public void Find_NoCallFromTheFirmInHistoryReachingBackAYear_IsItsFirstInAtLeastTheMonths()
    {
        var line = Assert.Single(Find(Upgrade, Row("UBS", Days(380), "Buy", 17m)), l => l.Kind == NotableCallKind.FirstInMonths);

        Assert.StartsWith("JPMorgan's first call on CIFR in at least 12 months", line.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_NoCallFromTheFirmButHistoryShorterThanAYear_SaysNothing() =>
        Assert.DoesNotContain(NotableCallKind.FirstInMonths, Kinds(Find(Upgrade, Row("UBS", Days(100), "Buy", 17m))));

    [Fact]
    public void Find_AnotherSourcesReportOfTheSameCall_IsNotAnEarlierCall()
    {
        var repeat = Upgrade with { Id = "other-source", PublishedAt = Upgrade.PublishedAt.AddMinutes(-20) };

        var line = Assert.Single(Find(Upgrade, repeat, Row("JPMorgan", Days(400), "Neutral", 12m)), l => l.Kind == NotableCallKind.FirstInMonths);

        Assert.Contains("13 months", line.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_TargetFarAboveTheMean_SaysHowFar()
    {
        var lines = Find(Upgrade with { ToTarget = 30m }, Row("UBS", Days(10), "Buy", 15m), Row("Citi", Days(20), "Buy", 15m));

        var line = Assert.Single(lines, l => l.Kind == NotableCallKind.FarFromMean);
        Assert.Equal("The target is 50% above the street's mean of $20 (3 firms, this one included).", line.Line);
    }

    [Fact]
    public void Find_TargetNearTheMean_HasNoDistanceLine() =>
        Assert.DoesNotContain(NotableCallKind.FarFromMean, Kinds(Find(Upgrade, Row("UBS", Days(10), "Buy", 16m), Row("Citi", Days(20), "Buy", 17m))));
}

using Alerts.Core.Context;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;
using static Alerts.Core.Tests.TestSupport.StreetRows;

namespace Alerts.Core.Tests.Context;

public class StreetContextCalculatorTests
{
    /// <summary>The alerted change: JPMorgan upgrades CIFR to Overweight, PT $12 -> $18.</summary>
    private static readonly RatingChange Change = TestChanges.CifrUpgrade();

    private static TimeSpan Days(double days) => TimeSpan.FromDays(days);

    private static StreetContext Calculate(params RatingChange[] history) => StreetContextCalculator.Calculate(Change, history);

    [Fact]
    public void Calculate_NoHistory_IsTheFirstCallAlone()
    {
        var initiation = TestChanges.Bare(RatingAction.Initiate) with { ToRating = "Outperform", ToLevel = RatingLevel.Buy, ToTarget = 30m };

        var context = StreetContextCalculator.Calculate(initiation, []);

        Assert.Empty(context.Recent);
        Assert.Equal(new RatingLevelCounts(0, 1, 0, 0, 0, 0), context.Levels);
        Assert.Equal(new TargetConsensus("USD", 1, 30m, 30m, 30m, 30m), context.Targets);
        Assert.Equal(new TargetStanding("JPMorgan", 30m, 0m, 1, 1, false), context.ThisFirm);
        Assert.Equal(initiation.PublishedAt - TimeSpan.FromDays(90), context.From);
        Assert.Equal(initiation.PublishedAt, context.Until);
    }

    [Fact]
    public void Calculate_History_ListsTheOthersNewestFirstWithoutTheChangeItself()
    {
        var old = Row("UBS", Days(30));
        var newer = Row("Citi", Days(2));
        var sameInstant = Row("Barclays", TimeSpan.Zero);

        var context = Calculate(old, Change, newer, sameInstant);

        Assert.Equal([sameInstant.Id, newer.Id, old.Id], context.Recent.Select(r => r.Id));
    }

    [Fact]
    public void Calculate_NinetyDayBoundary_KeepsExactlyNinetyDaysAndDropsOlderAndLater()
    {
        var onTheBoundary = Row("UBS", Days(90));
        var justBefore = Row("Citi", Days(90) + TimeSpan.FromTicks(1));
        var afterTheChange = Row("Barclays", -TimeSpan.FromMinutes(1));

        var context = Calculate(onTheBoundary, justBefore, afterTheChange);

        Assert.Equal([onTheBoundary.Id], context.Recent.Select(r => r.Id));
        Assert.Equal(2, context.Levels.Firms); // JPMorgan and UBS
    }

    [Fact]
    public void Calculate_OtherTickerInTheRows_IsIgnored()
    {
        var context = Calculate(Row("UBS", Days(1)) with { Ticker = "NVDA" });

        Assert.Empty(context.Recent);
    }

    [Fact]
    public void Calculate_BusyWindow_KeepsTheNewestTenOfTheOthers_CountsAll_AndStillCountsEveryFirm()
    {
        // 300 firms acted in the window: the context lists the newest 10, counts 300, and every firm is in the levels.
        var rows = Enumerable.Range(1, 300).Select(i => Row($"Firm {i}", Days(i * 0.25), toRating: "Hold", toTarget: 10m + i)).ToArray();

        var context = Calculate(rows);

        Assert.Equal(rows.Take(StreetContext.MaxRecent).Select(r => r.Id), context.Recent.Select(r => r.Id));
        Assert.Equal(300, context.RecentCount);
        Assert.Equal(301, context.Targets!.Firms);
    }

    [Fact]
    public void Calculate_OneFirmWithSeveralActions_CountsOnceAtItsLatestRatingAndTarget()
    {
        var context = Calculate(
            Row("UBS", Days(1), toRating: null, toTarget: 25m, action: RatingAction.TargetRaise), // target only: keeps the rating
            Row("UBS", Days(10), toRating: "Sell", toTarget: 20m, action: RatingAction.Downgrade),
            Row("UBS", Days(40), toRating: "Buy", toTarget: 30m));

        Assert.Equal(3, context.Recent.Count);
        Assert.Equal(new RatingLevelCounts(0, 1, 0, 1, 0, 0), context.Levels); // JPMorgan buy, UBS sell (not buy)
        Assert.Equal(new TargetConsensus("USD", 2, 21.5m, 21.5m, 18m, 25m), context.Targets);
    }

    [Fact]
    public void Calculate_ThisChange_CountsForItsFirmOverItsEarlierCalls()
    {
        var context = Calculate(Row("JPMorgan", Days(20), toRating: "Neutral", toTarget: 12m));

        Assert.Single(context.Recent);
        Assert.Equal(new RatingLevelCounts(0, 1, 0, 0, 0, 0), context.Levels);
        Assert.Equal(18m, context.Targets!.Median);
        Assert.Equal(1, context.Targets.Firms);
    }

    [Fact]
    public void Calculate_FirmSpelledTwoWays_IsOneFirm()
    {
        var context = Calculate(Row("UBS", Days(1), toRating: "Sell"), Row("U.B.S.", Days(5), toRating: "Buy"));

        Assert.Equal(2, context.Levels.Firms);
        Assert.Equal(1, context.Levels.Sell);
    }

    [Fact]
    public void Calculate_NoTargets_HasNoConsensusAndNoStanding()
    {
        var change = Change with { FromTarget = null, ToTarget = null, TargetChangePct = null };

        var context = StreetContextCalculator.Calculate(change, [Row("UBS", Days(3)), Row("Citi", Days(4), toRating: "Hold")]);

        Assert.Null(context.Targets);
        Assert.Null(context.ThisFirm);
        Assert.Equal(new RatingLevelCounts(0, 2, 1, 0, 0, 0), context.Levels);
    }

    [Fact]
    public void Calculate_ThisFirmWithoutATargetNow_StandsWithItsEarlierTarget()
    {
        var change = Change with { FromTarget = null, ToTarget = null, TargetChangePct = null };

        var context = StreetContextCalculator.Calculate(change, [Row("JPMorgan", Days(30), toTarget: 15m), Row("UBS", Days(3), toTarget: 20m)]);

        Assert.Equal(new TargetStanding("JPMorgan", 15m, -14.3m, 2, 2, false), context.ThisFirm);
    }

    [Fact]
    public void Calculate_MixedCurrencies_CountsOnlyTheChangesCurrencyAndSaysHowManyOthers()
    {
        var context = Calculate(
            Row("UBS", Days(1), toTarget: 22m),
            Row("RBC", Days(2), toTarget: 30m, currency: "CAD"),
            Row("Barclays", Days(3), toTarget: 17m, currency: "GBP"));

        Assert.Equal(new TargetConsensus("USD", 2, 20m, 20m, 18m, 22m), context.Targets);
        Assert.Equal(2, context.OtherCurrencyTargets);
        Assert.Equal(4, context.Levels.Firms);
    }

    [Fact]
    public void Calculate_ChangeInAnotherCurrency_UsesItsCurrency()
    {
        var change = Change with { Currency = "CAD" };

        var context = StreetContextCalculator.Calculate(change, [Row("RBC", Days(2), toTarget: 30m, currency: "CAD"), Row("UBS", Days(1), toTarget: 22m)]);

        Assert.Equal(new TargetConsensus("CAD", 2, 24m, 24m, 18m, 30m), context.Targets);
        Assert.Equal(1, context.OtherCurrencyTargets);
    }

    [Fact]
    public void Calculate_OddCount_MedianIsTheMiddleTarget()
    {
        var context = Calculate(Row("UBS", Days(1), toTarget: 10m), Row("Citi", Days(2), toTarget: 40m));

        // 10, 18, 40
        Assert.Equal(18m, context.Targets!.Median);
        Assert.Equal(22.67m, context.Targets.Mean);
        Assert.Equal(new TargetStanding("JPMorgan", 18m, 0m, 2, 3, false), context.ThisFirm);
    }

    [Fact]
    public void Calculate_EvenCount_MedianIsTheMeanOfTheTwoMiddleTargets()
    {
        var context = Calculate(Row("UBS", Days(1), toTarget: 10m), Row("Citi", Days(2), toTarget: 40m), Row("Barclays", Days(3), toTarget: 25m));

        // 10, 18, 25, 40
        Assert.Equal(21.5m, context.Targets!.Median);
        Assert.Equal(23.25m, context.Targets.Mean);
        Assert.Equal(new TargetStanding("JPMorgan", 18m, -16.3m, 3, 4, false), context.ThisFirm);
    }

    [Fact]
    public void Calculate_HighestAndTied_AreRankedSo()
    {
        var highest = Calculate(Row("UBS", Days(1), toTarget: 10m));
        var tied = Calculate(Row("UBS", Days(1), toTarget: 18m), Row("Citi", Days(1), toTarget: 12m));

        Assert.Equal(new TargetStanding("JPMorgan", 18m, 28.6m, 1, 2, false), highest.ThisFirm);
        Assert.Equal(new TargetStanding("JPMorgan", 18m, 0m, 1, 3, true), tied.ThisFirm);
    }

    [Fact]
    public void Calculate_UnknownWordsAndFirmsWithoutRating_CountAsUnknown()
    {
        var context = Calculate(
            Row("UBS", Days(1), toRating: "Sector Jumper"),
            Row("Citi", Days(2), toRating: null, toTarget: 20m, action: RatingAction.TargetRaise));

        Assert.Equal(new RatingLevelCounts(0, 1, 0, 0, 0, 2), context.Levels);
    }

    [Fact]
    public void Calculate_CorrectedRow_GivesWayToItsCorrection()
    {
        var first = Row("UBS", Days(5), toTarget: 30m);
        var correction = Row("UBS", Days(5), toTarget: 25m, correctionOf: first.Id);

        var context = Calculate(first, correction);

        Assert.Equal([correction.Id], context.Recent.Select(r => r.Id));
        Assert.Equal(25m, context.Targets!.High);
    }

    [Fact]
    public void Calculate_CorrectionOfTheChangeItself_IsLeftOutWithIt()
    {
        var correction = Row("JPMorgan", TimeSpan.Zero, toRating: "Overweight", toTarget: 19m, action: RatingAction.Upgrade, correctionOf: Change.Id);
        var ofTheCorrection = Row("JPMorgan", TimeSpan.Zero, toRating: "Overweight", toTarget: 20m, action: RatingAction.Upgrade, correctionOf: correction.Id);

        var context = Calculate(Change, correction, ofTheCorrection, Row("UBS", Days(1)));

        Assert.Equal(["UBS"], context.Recent.Select(r => r.Firm));
    }

    [Fact]
    public void Calculate_OneCallFromTwoSources_IsListedOnce()
    {
        var withPrior = Row("UBS", TimeSpan.FromHours(3), toRating: "Buy", toTarget: 25m) with { FromTarget = 20m };
        var withoutPrior = Row("UBS", TimeSpan.FromHours(2), toRating: "buy", toTarget: 25m);
        var repeatOfTheChange = Row("JPMorgan", TimeSpan.FromHours(1), toRating: "Overweight", toTarget: 18m, action: RatingAction.Upgrade);

        var context = Calculate(withPrior, withoutPrior, repeatOfTheChange);

        Assert.Equal([withoutPrior.Id], context.Recent.Select(r => r.Id));
    }

    [Fact]
    public void Calculate_SuspendedFirm_CountsNowhere()
    {
        var context = Calculate(
            Row("UBS", Days(1), toRating: null, action: RatingAction.Suspend),
            Row("UBS", Days(10), toRating: "Sell", toTarget: 5m));

        Assert.Equal(2, context.Recent.Count);
        Assert.Equal(new RatingLevelCounts(0, 1, 0, 0, 0, 0), context.Levels);
        Assert.Equal(1, context.Targets!.Firms);
    }

    [Fact]
    public void Calculate_ResumedAfterASuspension_DoesNotCarryTheOldTarget()
    {
        var context = Calculate(
            Row("UBS", Days(1), toRating: "Hold", action: RatingAction.Resume),
            Row("UBS", Days(5), toRating: null, action: RatingAction.Suspend),
            Row("UBS", Days(10), toRating: "Sell", toTarget: 5m));

        Assert.Equal(1, context.Levels.Hold);
        Assert.Equal(1, context.Targets!.Firms);
    }

    [Fact]
    public void Calculate_ChangeIsASuspension_LeavesItsFirmOut()
    {
        var suspension = TestChanges.Bare(RatingAction.Suspend);

        var context = StreetContextCalculator.Calculate(suspension, [Row("JPMorgan", Days(10), toTarget: 18m), Row("UBS", Days(2), toTarget: 20m)]);

        Assert.Equal(1, context.Levels.Firms);
        Assert.Null(context.ThisFirm);
        Assert.Equal(20m, context.Targets!.Median);
    }

    [Fact]
    public void Calculate_SameRowsInAnyOrder_SameContext()
    {
        var rows = Enumerable.Range(0, 30).Select(i => Row($"Firm {i % 7}", Days(i * 2.5), toRating: i % 3 == 0 ? "Sell" : "Buy", toTarget: 10m + i)).ToArray();

        var a = Calculate(rows);
        var b = Calculate(rows.Reverse().ToArray());

        Assert.Equal(a.Recent.Select(r => r.Id), b.Recent.Select(r => r.Id));
        Assert.Equal(a.Levels, b.Levels);
        Assert.Equal(a.Targets, b.Targets);
        Assert.Equal(a.ThisFirm, b.ThisFirm);
    }
}

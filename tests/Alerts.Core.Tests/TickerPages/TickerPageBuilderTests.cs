using Alerts.Core.Context;
using Alerts.Core.Ratings;
using Alerts.Core.TickerPages;
using Alerts.Core.Tests.TestSupport;
using static Alerts.Core.Tests.TestSupport.StreetRows;

namespace Alerts.Core.Tests.TickerPages;

public class TickerPageBuilderTests
{
    private static TimeSpan Days(double days) => TimeSpan.FromDays(days);

    private static TickerPageModel Build(params RatingChange[] history) => TickerPageBuilder.Build("CIFR", history, TestChanges.Now);

    [Fact]
    public void Build_NoHistory_IsEmpty()
    {
        var page = Build();

        Assert.Empty(page.Changes);
        Assert.Empty(page.Series);
        Assert.Empty(page.Street);
        Assert.Null(page.Currency);
        Assert.Null(page.Now);
    }

    [Fact]
    public void Build_Changes_NewestFirstWithoutCorrectedVersionsOtherTickersOrOlderThanTheWindow()
    {
        var upgrade = TestChanges.CifrUpgrade();
        var ubs = Row("UBS", Days(10), toTarget: 15m);
        var corrected = Row("Citi", Days(5), toTarget: 14m);
        var correction = Row("Citi", Days(4), toTarget: 16m, correctionOf: corrected.Id);
        var tooOld = Row("Barclays", Days(731), toTarget: 9m);
        var otherTicker = Row("Barclays", Days(1), toTarget: 9m) with { Ticker = "NVDA" };

        var page = Build(ubs, upgrade, corrected, correction, tooOld, otherTicker);

        Assert.Equal([upgrade.Id, correction.Id, ubs.Id], page.Changes.Select(c => c.Id));
        Assert.Equal("Cipher Mining", page.Company);
        Assert.False(page.Truncated);
    }

    [Fact]
    public void Build_Targets_OneSeriesPerFirmOnePointPerChangeWithATarget()
    {
        var jpmOld = Row("JPMorgan", Days(200), toTarget: 12m);
        var jpmNew = Row("J.P. Morgan", Days(1), toTarget: 18m);
        var ubs = Row("UBS", Days(30), toTarget: 15m);
        var noTarget = Row("Citi", Days(3), toTarget: null);

        var page = Build(jpmOld, jpmNew, ubs, noTarget);

        Assert.Equal("USD", page.Currency);
        Assert.Equal(2, page.Series.Count);
        var jpm = Assert.Single(page.Series, s => s.Points.Count == 2);
        Assert.Equal([12m, 18m], jpm.Points.Select(p => p.Target));
        Assert.Equal([jpmOld.Id, jpmNew.Id], jpm.Points.Select(p => p.Change.Id));
        Assert.Equal(3, page.Series.Sum(s => s.Points.Count));
    }

    [Fact]
    public void Build_Street_MeanHighLowAsEachChangeLeftIt()
    {
        var ubs = Row("UBS", Days(30), toTarget: 10m);
        var citi = Row("Citi", Days(20), toTarget: 20m);
        var jpm = Row("JPMorgan", Days(10), toTarget: 30m);

        var page = Build(ubs, citi, jpm);

        Assert.Equal(
            [
                new StreetPoint(ubs.PublishedAt, 10m, 10m, 10m, 1),
                new StreetPoint(citi.PublishedAt, 15m, 10m, 20m, 2),
                new StreetPoint(jpm.PublishedAt, 20m, 10m, 30m, 3),
            ],
            page.Street);
    }

    [Fact]
    public void Build_Street_FirmsOutsideTheNinetyDayWindowDropOut()
    {
        var ubs = Row("UBS", Days(300), toTarget: 10m);
        var jpm = Row("JPMorgan", Days(10), toTarget: 30m);

        var page = Build(ubs, jpm);

        Assert.Equal(new StreetPoint(jpm.PublishedAt, 30m, 30m, 30m, 1), page.Street[^1]);
    }

    [Fact]
    public void Build_OtherCurrency_CountedNotCharted()
    {
        var usd = Row("UBS", Days(3), toTarget: 10m);
        var gbp = Row("Barclays", Days(5), toTarget: 800m, currency: "GBP");

        var page = Build(usd, gbp);

        Assert.Equal("USD", page.Currency);
        Assert.Equal(1, page.OtherCurrencyTargets);
        Assert.Equal([usd.Id], page.Series.SelectMany(s => s.Points).Select(p => p.Change.Id));
    }

    [Fact]
    public void Build_Now_EachFirmsLatestRatingOnTheCommonScale()
    {
        var ubs = Row("UBS", Days(30), toRating: "Sell", toTarget: 8m);
        var ubsLater = Row("UBS", Days(20), toRating: "Neutral", toTarget: 12m);
        var citi = Row("Citi", Days(10), toRating: "Buy", toTarget: 20m);

        var page = Build(ubs, ubsLater, citi);

        Assert.Equal(new RatingLevelCounts(0, 1, 1, 0, 0, 0), page.Now!.Levels);
        Assert.Equal(new TargetConsensus("USD", 2, 16m, 16m, 12m, 20m), page.Now.Targets);
    }

    [Fact]
    public void Build_MoreThanTheLimit_KeepsTheNewestAndSaysSo()
    {
        var rows = Enumerable.Range(0, TickerPageBuilder.MaxChanges + 3).Select(i => Row("UBS", TimeSpan.FromHours(i), toTarget: 10m + i)).ToArray();

        var page = Build(rows);

        Assert.True(page.Truncated);
        Assert.Equal(TickerPageBuilder.MaxChanges, page.Changes.Count);
        Assert.Equal(rows[0].Id, page.Changes[0].Id);
    }
}

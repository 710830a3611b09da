using Alerts.Core.Extraction;
using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.Extraction;

/// <summary>
/// The international styles of issue 20, one real sentence each from the development corpus (<c>Corpus/corpus-b.jsonl</c>,
/// its item id and source named beside it): UK wires, Indian brokerage calls, tables, listings abroad.
/// </summary>
public class InternationalStylesTests
{
    private static readonly NewsTextExtractor Extractor = NewsTextExtractor.Default;

    /// <summary>b-0001, dpa-AFX's overview of UK recommendations (finanznachrichten.de, Sep 2021).</summary>
    [Fact]
    public void Read_OldTargetInParentheses_IsTheFromTarget()
    {
        var change = Assert.Single(Extractor.Extract("BARCLAYS CUTS SMITH & NEPHEW PRICE TARGET TO 1775 (1800) PENCE - 'OVERWEIGHT'"));

        Assert.Equal("SNN", change.Ticker);
        Assert.Equal(RatingAction.TargetCut, change.Action);
        Assert.Equal(1800m, change.FromTarget);
        Assert.Equal(1775m, change.ToTarget);
        Assert.Equal("GBX", change.Currency);
        Assert.Equal("OVERWEIGHT", change.ToRating);
    }

    /// <summary>b-0057, Alliance News' broker ratings (MarketScreener, 7 Jun 2023).</summary>
    [Fact]
    public void Read_OldRatingInParentheses_IsTheFromRating()
    {
        var read = Extractor.Read("Goldman Sachs cuts Croda International to 'neutral' (buy) - price target 7,200 (8,700) pence");

        Assert.Empty(read.Changes);
        var unresolved = Assert.Single(read.Unresolved);
        Assert.Equal("Croda International", unresolved.Company);
        Assert.Equal(RatingAction.Downgrade, unresolved.Action);
        Assert.Equal(("buy", "neutral"), (unresolved.FromRating, unresolved.ToRating));
        Assert.Equal((8700m, 7200m), (unresolved.FromTarget, unresolved.ToTarget));
        Assert.Equal("GBp", unresolved.Currency);
    }

    /// <summary>b-0036 (Alliance News): Melrose's only line in the SEC's list is OTC (MROSY); a London target is not put on it.</summary>
    [Fact]
    public void Read_CompanyListedOnlyOverTheCounter_IsUnresolved()
    {
        var read = Extractor.Read("Citigroup raises Melrose Industries price target to 570 (560) pence - 'buy'");

        Assert.Empty(read.Changes);
        var unresolved = Assert.Single(read.Unresolved);
        Assert.Equal("Melrose Industries", unresolved.Company);
        Assert.Equal((560m, 570m), (unresolved.FromTarget, unresolved.ToTarget));
    }

    /// <summary>b-0007, dpa-AFX: DZ Bank's "fair value" is its price target.</summary>
    [Fact]
    public void Read_FairValueFor_IsAPriceTarget()
    {
        var change = Assert.Single(Extractor.Extract("DZ BANK CUTS FAIR VALUE FOR BHP GROUP TO 1950 (2400) PENCE - 'HOLD'"));

        Assert.Equal("BHP", change.Ticker);
        Assert.Equal(RatingAction.TargetCut, change.Action);
        Assert.Equal((2400m, 1950m), (change.FromTarget, change.ToTarget));
        Assert.Equal("HOLD", change.ToRating);
    }

    /// <summary>b-0133 and b-0122, CNBC-TV18's top brokerage calls.</summary>
    [Theory]
    [InlineData("IndiGo | Jefferies has maintained an 'underperform' rating on IndiGo with a target of Rs 2,070 per share.",
        "IndiGo", "Jefferies", RatingAction.Reiterate, null, "underperform", 2070)]
    [InlineData("Morgan Stanley on SBI: The brokerage downgraded the stock to 'equal-weight' from 'overweight' with a target of Rs 330 per share.",
        "SBI", "Morgan Stanley", RatingAction.Downgrade, "overweight", "equal-weight", 330)]
    [InlineData("Sumitomo Chemical | Brokerage: Elara Capital | Rating: Upgrade to accumulate from reduce | Target price: Rs 533",
        "Sumitomo Chemical", "Elara Capital", RatingAction.Upgrade, "reduce", "accumulate", 533)]
    public void Read_IndianBrokerageCall_IsUnresolvedInRupees(
        string text, string company, string firm, RatingAction action, string? fromRating, string toRating, int toTarget)
    {
        var unresolved = Assert.Single(Extractor.Read(text).Unresolved);

        Assert.Equal(company, unresolved.Company);
        Assert.Equal(firm, unresolved.Firm);
        Assert.Equal(action, unresolved.Action);
        Assert.Equal(fromRating, unresolved.FromRating);
        Assert.Equal(toRating, unresolved.ToRating);
        Assert.Equal(toTarget, unresolved.ToTarget);
        Assert.Equal("INR", unresolved.Currency);
    }

    /// <summary>b-0345, City A.M.'s broker column: the company heads the paragraph on a line of its own.</summary>
    [Fact]
    public void Read_NameAloneOnTheFirstLine_IsTheCompanyOfTheStory()
    {
        var unresolved = Assert.Single(Extractor.Read(
            "COOKSON\nDeutsche Bank has upgraded the materials specialist to “buy” from “hold” and upped its target price from £6 to £8, "
            + "citing low consensus forecasts and a very inexpensive current price as a catalyst.").Unresolved);

        Assert.Equal("COOKSON", unresolved.Company);
        Assert.Equal("Deutsche Bank", unresolved.Firm);
        Assert.Equal(RatingAction.Upgrade, unresolved.Action);
        Assert.Equal((6m, 8m), (unresolved.FromTarget, unresolved.ToTarget));
        Assert.Equal("GBP", unresolved.Currency);
    }

    /// <summary>a-0029 (MarketBeat), b-0330 (MarketBeat network), b-0227 (The Globe and Mail): tickers on exchanges abroad.</summary>
    [Theory]
    [InlineData("JPMorgan Chase & Co. Increases Tesco (LON:TSCO) Price Target to GBX 500", null, "Tesco")]
    [InlineData("Morgan Stanley set a CHF 101 target price on Novartis (VTX:NOVN) in a research report released on Wednesday morning.", "NVS", null)]
    [InlineData("Aurora Cannabis Inc (ACB-T): Jefferies raises rating to “hold” but cuts price target to C$8.56 from C$9.44", "ACB", null)]
    public void Read_TickerOnAnExchangeAbroad_IsNoUsTicker(string text, string? ticker, string? unresolvedCompany)
    {
        var read = Extractor.Read(text);

        Assert.Equal(ticker is null ? [] : [ticker], read.Changes.Select(c => c.Ticker));
        Assert.Equal(unresolvedCompany is null ? [] : [unresolvedCompany], read.Unresolved.Select(u => u.Company));
    }

    /// <summary>b-0358, The Globe and Mail: "$44 (Canadian)".</summary>
    [Fact]
    public void Read_DollarNamedInParentheses_TakesThatCurrency()
    {
        var unresolved = Assert.Single(Extractor.Read(
            "JPMorgan downgraded Rogers to \"neutral\" from \"overweight\" and cut its price target to $44 (Canadian) from $49.").Unresolved);

        Assert.Equal((49m, 44m), (unresolved.FromTarget, unresolved.ToTarget));
        Assert.Equal("CAD", unresolved.Currency);
    }

    /// <summary>a-0129 (Dow Jones): a company that writes its name in lower case.</summary>
    [Fact]
    public void Read_LowerCaseCompanyName_IsResolved()
    {
        var change = Assert.Single(Extractor.Extract("lululemon Is Maintained at Outperform by Oppenheimer"));

        Assert.Equal("LULU", change.Ticker);
        Assert.Equal(RatingAction.Reiterate, change.Action);
        Assert.Equal("Outperform", change.ToRating);
    }

    /// <summary>a-0385 (Insider Monkey): "on Solid Q3 Results" is the reason, not a second company.</summary>
    [Fact]
    public void Read_ReasonAfterTheCompany_IsNoCompany()
    {
        var read = Extractor.Read("Baird Lifts Autodesk, Inc. (ADSK) Price Target on Solid Q3 Results");

        Assert.Equal(["ADSK"], read.Changes.Select(c => c.Ticker));
        Assert.Empty(read.Unresolved);
    }
}

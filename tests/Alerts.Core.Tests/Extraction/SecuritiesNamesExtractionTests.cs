using Alerts.Core.Extraction;

namespace Alerts.Core.Tests.Extraction;

/// <summary>Companies named without their ticker, resolved through the securities master (the SEC's list), not a hand list.</summary>
public class SecuritiesNamesExtractionTests
{
    private static NewsTextExtractor Extractor => NewsTextExtractor.Default;

    [Theory]
    [InlineData("Ideaya Biosciences price target raised to $34 from $28 at JPMorgan", "IDYA", "Ideaya Biosciences")]
    [InlineData("Needham upgrades Lightspeed Commerce to Buy from Hold", "LSPD", "Lightspeed Commerce")]
    [InlineData("Compass Inc. upgraded to Outperform from Peer Perform at Wolfe Research", "COMP", "Compass Inc.")]
    [InlineData("JPMorgan raises Northern Trust price target to $140 from $125", "NTRS", "Northern Trust")]
    public void Extract_CompanyOnlyInTheSecList_ResolvedWithTheNameAsWritten(string headline, string ticker, string company)
    {
        var change = Assert.Single(Extractor.Extract(headline));

        Assert.Equal(ticker, change.Ticker);
        Assert.Equal(company, change.Company);
    }

    [Theory]
    [InlineData("JPMorgan upgrades Compass to Overweight from Neutral")] // "Compass" alone is a word: its suffix or ticker is needed
    [InlineData("Jefferies upgrades Target to Buy from Hold, raises price target to $120")]
    [InlineData("Wolfe Research upgrades Block to Outperform")]
    public void Extract_CompanyThatIsAnOrdinaryWord_NotResolvedBare(string headline) =>
        Assert.Empty(Extractor.Extract(headline));

    [Fact]
    public void Extract_OrdinaryWordWithATicker_Resolved()
    {
        var change = Assert.Single(Extractor.Extract("JPMorgan upgrades Compass (COMP) to Overweight from Neutral"));

        Assert.Equal("COMP", change.Ticker);
    }
}

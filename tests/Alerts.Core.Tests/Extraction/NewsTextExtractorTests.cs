using Alerts.Core.Extraction;
using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.Extraction;

public class NewsTextExtractorTests
{
    private static readonly NewsTextExtractor Extractor = NewsTextExtractor.Default;

    private static RatingChangeSubmission Single(string text)
    {
        var changes = Extractor.Extract(text);
        return Assert.Single(changes);
    }

    [Fact]
    public void Extract_ContractHeadline_ReadsEveryField()
    {
        var change = Single("JPMorgan upgrades Cipher Mining (CIFR) to Overweight from Neutral, raises PT to $18 from $12");

        Assert.Equal("CIFR", change.Ticker);
        Assert.Equal("JPMorgan", change.Firm);
        Assert.Equal("Cipher Mining", change.Company);
        Assert.Equal(RatingAction.Upgrade, change.Action);
        Assert.Equal("Neutral", change.FromRating);
        Assert.Equal("Overweight", change.ToRating);
        Assert.Equal(12m, change.FromTarget);
        Assert.Equal(18m, change.ToTarget);
        Assert.Equal("USD", change.Currency);
        Assert.Equal("JPMorgan upgrades Cipher Mining (CIFR) to Overweight from Neutral, raises PT to $18 from $12", change.Sentence);
    }

    [Theory]
    [InlineData("Cabot upgraded to buy from neutral at UBS", "CBT", "UBS", RatingAction.Upgrade, "neutral", "buy", null, null)]
    [InlineData("Biogen stock price target raised to $392 from $320 at Instinet", "BIIB", "Instinet", RatingAction.TargetRaise, null, null, "320", "392")]
    [InlineData("TreeHouse Foods Inc. (NYSE: THS) was reinstated as Neutral at Merrill Lynch", "THS", "Merrill Lynch", RatingAction.Resume, null, "Neutral", null, null)]
    [InlineData("Susquehanna Bancshares lowered their price objective on Twitter from $47.00 to $35.00", "TWTR", "Susquehanna Bancshares", RatingAction.TargetCut, null, null, "47", "35")]
    [InlineData("Nvidia price target raised to $425 from $360 at Tigress Financial", "NVDA", "Tigress Financial", RatingAction.TargetRaise, null, null, "360", "425")]
    [InlineData("Citi suspends coverage of Peloton Interactive (PTON)", "PTON", "Citi", RatingAction.Suspend, null, null, null, null)]
    [InlineData("RBC Capital Markets assumes coverage of Shopify (NYSE: SHOP) with an Outperform rating", "SHOP", "RBC Capital Markets", RatingAction.Resume, null, "Outperform", null, null)]
    [InlineData("Pinterest (PINS) was started as Outperform at Raymond James", "PINS", "Raymond James", RatingAction.Initiate, null, "Outperform", null, null)]
    [InlineData("Oppenheimer maintains Outperform on Amazon (AMZN), PT $250", "AMZN", "Oppenheimer", RatingAction.Reiterate, null, "Outperform", null, "250")]
    public void Extract_IssueExamples_ReadsTheChange(
        string text, string ticker, string firm, RatingAction action, string? fromRating, string? toRating, string? fromTarget, string? toTarget)
    {
        var change = Single(text);

        Assert.Equal(ticker, change.Ticker);
        Assert.Equal(firm, change.Firm);
        Assert.Equal(action, change.Action);
        Assert.Equal(fromRating, change.FromRating);
        Assert.Equal(toRating, change.ToRating);
        Assert.Equal(fromTarget is null ? null : decimal.Parse(fromTarget, System.Globalization.CultureInfo.InvariantCulture), change.FromTarget);
        Assert.Equal(toTarget is null ? null : decimal.Parse(toTarget, System.Globalization.CultureInfo.InvariantCulture), change.ToTarget);
        Assert.Equal(text, change.Sentence);
    }

    [Fact]
    public void Extract_AnalystNamed_IsReadWithTheFirm()
    {
        var change = Single("Wolfe Research analyst Rod Lache upgraded Tesla (TSLA) to Outperform from Peer Perform and set a $360 price target");

        Assert.Equal("TSLA", change.Ticker);
        Assert.Equal("Wolfe Research", change.Firm);
        Assert.Equal("Rod Lache", change.Analyst);
        Assert.Equal(RatingAction.Upgrade, change.Action);
        Assert.Equal("Peer Perform", change.FromRating);
        Assert.Equal("Outperform", change.ToRating);
        Assert.Null(change.FromTarget);
        Assert.Equal(360m, change.ToTarget);
    }

    [Fact]
    public void Extract_DowngradeWithTargetRaise_KeepsBothFacts()
    {
        var change = Single("Goldman Sachs cut Kraft Heinz (KHC) from buy to neutral and raised the price target from $34 to $36");
        var normalized = new RatingChangeNormalizer(FirmDirectory.Default).Normalize(change, DateTimeOffset.UnixEpoch);

        Assert.Equal(RatingAction.Downgrade, normalized.Action);
        Assert.Equal(("buy", "neutral"), (change.FromRating, change.ToRating));
        Assert.Equal((34m, 36m), (change.FromTarget, change.ToTarget));
        Assert.Equal(5.88m, normalized.TargetChangePct);
    }

    [Theory]
    [InlineData("Scotiabank raises Enbridge (TSX: ENB) price target to C$72 from C$66", "CAD", 66, 72)]
    [InlineData("Deutsche Bank raises SAP target price to €45 from €40", "EUR", 40, 45)]
    [InlineData("Barclays lifts AstraZeneca PT to £12.50 from £11", "GBP", 11, 12.50)]
    [InlineData("Macquarie raises Tencent (0700.HK) target to HK$30 from HK$28", "HKD", 28, 30)]
    [InlineData("Nomura raises Toyota (TM) target price to ¥1,200 from ¥1,000", "JPY", 1000, 1200)]
    [InlineData("Macquarie raises BHP Group price target to A$46 from A$44", "AUD", 44, 46)]
    [InlineData("Costco price target raised to $1,200.50 from $1,100 at Telsey Advisory Group", "USD", 1100, 1200.50)]
    [InlineData("Berenberg raises Shell (SHEL.L) target price to 3,200p from 3,000p", "GBX", 3000, 3200)]
    public void Extract_Currencies_KeepTheirCode(string text, string currency, double from, double to)
    {
        var change = Single(text);

        Assert.Equal(currency, change.Currency);
        Assert.Equal((decimal)from, change.FromTarget);
        Assert.Equal((decimal)to, change.ToTarget);
    }

    [Theory]
    [InlineData("Lululemon Athletica Inc. (NASDAQ:LULU) was downgraded by Jefferies to Hold", "LULU")]
    [InlineData("Johnson & Johnson (NYSE: JNJ) price target lifted to $175 at Goldman Sachs", "JNJ")]
    [InlineData("Berkshire Hathaway (NYSE: BRK.B) initiated with a Hold at KBW", "BRK.B")]
    [InlineData("Brown-Forman (NYSE:BF-B) downgraded to Underweight at Morgan Stanley", "BF-B")]
    [InlineData("Tesla (TSLA.O) was downgraded by UBS to sell", "TSLA")]
    [InlineData("$NVDA: Rosenblatt reiterates Buy, PT $220", "NVDA")]
    public void Extract_TickerForms_AreRead(string text, string ticker) => Assert.Equal(ticker, Single(text).Ticker);

    [Theory]
    [InlineData("Morgan Stanley downgrades JPMorgan Chase to Equal-weight", "JPM", "Morgan Stanley")]
    [InlineData("Citigroup upgrades Goldman Sachs (GS) to Buy from Neutral", "GS", "Citigroup")]
    [InlineData("Wells Fargo (NYSE: WFC) upgraded to Overweight at Barclays", "WFC", "Barclays")]
    [InlineData("Bank of America upgrades Pfizer to Buy", "PFE", "Bank of America")]
    public void Extract_BankCoveringABank_TellsFirmFromCompany(string text, string ticker, string firm)
    {
        var change = Single(text);

        Assert.Equal(ticker, change.Ticker);
        Assert.Equal(firm, change.Firm);
    }

    [Theory]
    [InlineData("Apple event will reveal shift to premium products: analyst")]
    [InlineData("Tesla shares fall 5% as deliveries miss estimates")]
    [InlineData("JPMorgan raises $2 billion in bond sale")]
    [InlineData("Apple has a consensus rating of Moderate Buy and an average price target of $245")]
    [InlineData("Microsoft could be upgraded to Buy at UBS, analysts say")]
    [InlineData("Is Tesla a buy after the selloff?")]
    [InlineData("Needham upgrades Foobar Dynamics to Buy from Hold")]
    [InlineData("Zeta Equity upgrades Acme Widgets to Buy")]
    [InlineData("Analysts at Needham upgraded the small-cap miner to Buy. The firm set a $4 price target.")]
    [InlineData("")]
    [InlineData("   \n\n  ")]
    public void Extract_NoResolvableChange_YieldsNothing(string text) => Assert.Empty(Extractor.Extract(text));

    [Fact]
    public void Extract_Article_ResolvesLaterMentionsAndImpliedFirm()
    {
        const string text =
            "JPMorgan upgraded Cipher Mining (CIFR) to Overweight from Neutral on Tuesday. The bank also raised its price target on the "
            + "bitcoin miner to $18 from $12. Separately, JPMorgan cut MARA Holdings (NASDAQ: MARA) to Underweight from Neutral. "
            + "MARA's price target was lowered to $15 from $20. Cipher's shares rose 8%.";

        var changes = Extractor.Extract(text);

        Assert.Equal(2, changes.Count);
        var cifr = changes.Single(c => c.Ticker == "CIFR");
        Assert.Equal((RatingAction.Upgrade, "Neutral", "Overweight", 12m, 18m), (cifr.Action!.Value, cifr.FromRating, cifr.ToRating, cifr.FromTarget, cifr.ToTarget));
        Assert.StartsWith("JPMorgan upgraded Cipher Mining", cifr.Sentence);
        var mara = changes.Single(c => c.Ticker == "MARA");
        Assert.Equal((RatingAction.Downgrade, "Neutral", "Underweight", 20m, 15m), (mara.Action!.Value, mara.FromRating, mara.ToRating, mara.FromTarget, mara.ToTarget));
        Assert.All(changes, c => Assert.Equal("JPMorgan", c.Firm));
    }

    [Fact]
    public void Extract_FirmNamedOnceAtTheTop_IsImpliedAfter()
    {
        const string text = "Analysts at H.C. Wainwright reiterated a Buy rating on Riot Platforms (RIOT) and raised their price target to $25 "
            + "from $21. The firm also raised its target on CleanSpark (CLSK) to $24 from $20.";

        var changes = Extractor.Extract(text);

        Assert.Equal(["RIOT", "CLSK"], changes.Select(c => c.Ticker));
        Assert.All(changes, c => Assert.Equal("H.C. Wainwright", c.Firm));
        Assert.Equal((24m, 20m), (changes[1].ToTarget!.Value, changes[1].FromTarget!.Value));
    }

    [Fact]
    public void Extract_NameSeenWithTickerInTheText_WinsOverTheTable()
    {
        var changes = Extractor.Extract("Needham upgraded Apple Hospitality REIT (APLE) to Buy. Apple Hospitality's price target was raised to $18 from $15.");

        var change = Assert.Single(changes);
        Assert.Equal("APLE", change.Ticker);
        Assert.Equal((15m, 18m), (change.FromTarget!.Value, change.ToTarget!.Value));
    }

    [Fact]
    public void Extract_Provenance_IsCopiedOntoEveryChange()
    {
        var published = new DateTimeOffset(2025, 12, 2, 13, 30, 0, TimeSpan.Zero);

        var change = Assert.Single(NewsTextExtractor.Default.Extract(
            "Evercore ISI upgrades Salesforce to Outperform", published, "acme-news", "https://example.com/story"));

        Assert.Equal(published, change.PublishedAt);
        Assert.Equal("acme-news", change.Source);
        Assert.Equal("https://example.com/story", change.Url);
    }

    [Fact]
    public void Extract_ExtendedCompanyTable_ResolvesTheNewName()
    {
        var companies = CompanyDirectory.Load("""{"companies": {"ACMW": ["Acme Widgets"]}}""");
        var extractor = new NewsTextExtractor(FirmDirectory.Default, companies);

        var change = Assert.Single(extractor.Extract("Needham upgrades Acme Widgets to Buy from Hold"));

        Assert.Equal("ACMW", change.Ticker);
        Assert.Empty(NewsTextExtractor.Default.Extract("Needham upgrades Acme Widgets to Buy from Hold"));
    }

    [Fact]
    public void Extract_ExtendedFirmTable_RecognizesTheNewBroker()
    {
        var firms = FirmDirectory.Load("""{"firms": {"Zeta Equity": ["Zeta"]}}""");
        var extractor = new NewsTextExtractor(firms, CompanyDirectory.Default);

        var change = Assert.Single(extractor.Extract("Zeta Equity upgrades Apple to Buy"));

        Assert.Equal(("AAPL", "Zeta Equity"), (change.Ticker, change.Firm));
    }

    [Fact]
    public void Extract_HardWrappedArticle_ReadsSentencesAcrossLines()
    {
        const string text = """
            JPMorgan upgraded Cipher Mining (NASDAQ: CIFR) to Overweight from Neutral on Tuesday and raised its price target
            to $18 from $12, citing the company's data-center pipeline. The analyst said the shares could re-rate.

            Elsewhere, Wedbush reiterated an Outperform rating on Tesla (TSLA). Bank of America lowered its target on
            Rivian Automotive (RIVN) to $12 from $15, keeping a Neutral rating.
            """;

        var changes = Extractor.Extract(text);

        Assert.Equal(["CIFR", "TSLA", "RIVN"], changes.Select(c => c.Ticker));
        Assert.Equal((12m, 18m), (changes[0].FromTarget!.Value, changes[0].ToTarget!.Value));
        Assert.DoesNotContain('\n', changes[0].Sentence!);
        Assert.Equal(("Bank of America", 15m, 12m), (changes[2].Firm, changes[2].FromTarget!.Value, changes[2].ToTarget!.Value));
    }

    [Fact]
    public void Extract_OneHeadlinePerLine_KeepsLinesApart()
    {
        var changes = Extractor.Extract("Top calls\nJPMorgan upgrades Apple to Overweight\nCiti downgrades Tesla to Sell\n");

        Assert.Equal([("AAPL", "JPMorgan"), ("TSLA", "Citi")], changes.Select(c => (c.Ticker, c.Firm)));
    }

    [Fact]
    public void Extract_Html_IsReadAsText()
    {
        var changes = Extractor.Extract(
            "<p>Goldman Sachs upgrades <b>Johnson &amp; Johnson</b> (NYSE: JNJ) to Buy</p><p>Citi cuts Nike&#39;s price target to $70</p>");

        Assert.Equal([("JNJ", "Goldman Sachs"), ("NKE", "Citi")], changes.Select(c => (c.Ticker, c.Firm)));
    }

    [Fact]
    public void Extract_Garbage_NeverThrows()
    {
        var random = new Random(7);
        const string alphabet = "abcXYZ$€£¥()[]:;,.'\"-–—→> \n0123456789&%/?!HK$C$Buy Neutral JPMorgan Apple (AAPL) price target to from ";
        for (var i = 0; i < 2_000; i++)
        {
            var chars = new char[random.Next(0, 160)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = random.Next(12) == 0 ? (char)random.Next(0, 0xD7FF) : alphabet[random.Next(alphabet.Length)];
            }

            _ = Extractor.Extract(new string(chars));
        }

        _ = Extractor.Extract(new string('(', 100_000));
        _ = Extractor.Extract(string.Concat(Enumerable.Repeat("Apple ", 20_000)));
    }

    [Fact]
    public void Extract_ManyThreads_GiveTheSameAnswer()
    {
        const string text = "JPMorgan upgrades Cipher Mining (CIFR) to Overweight from Neutral, raises PT to $18 from $12";
        var expected = Single(text);

        Parallel.For(0, 2_000, _ => Assert.Equal(expected, Assert.Single(Extractor.Extract(text))));
    }

    [Fact]
    public void Read_SeedArticle_FindsItsFiveChanges()
    {
        // Issue 20's seed: JPMorgan's bitcoin-miner note of 24 Nov 2025 as AInvest published it (real-styles.json, "seed-ainvest").
        var seed = ExtractionFixtures.Load(ExtractionFixtures.RealStyles).Single(c => c.Id == "seed-ainvest");

        var read = Extractor.Read(seed.Text);

        Assert.Empty(read.Unresolved);
        Assert.Equal(["CIFR", "CLSK", "MARA", "RIOT", "IREN"], read.Changes.Select(c => c.Ticker));
        Assert.All(read.Changes, c => Assert.Equal("JPMorgan", FirmDirectory.Default.Canonicalize(c.Firm)));
        var riot = read.Changes.Single(c => c.Ticker == "RIOT");
        Assert.Equal((RatingAction.TargetCut, 19m, 17m), (riot.Action!.Value, riot.FromTarget!.Value, riot.ToTarget!.Value));
        var iren = read.Changes.Single(c => c.Ticker == "IREN");
        Assert.Equal((RatingAction.TargetRaise, 28m, 39m), (iren.Action!.Value, iren.FromTarget!.Value, iren.ToTarget!.Value));
        // Each change carries the sentence that first stated it: Riot's and MARA's, the opening one's "cutting price targets".
        Assert.StartsWith("JPMorgan Chase has reshaped its outlook", riot.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnlistedCompany_IsUnresolvedWithEveryFieldRead()
    {
        // Banca Mediolanum is listed in Milan only (the SEC's list does not have it).
        var read = Extractor.Read("Banca Mediolanum price target raised to $34 from $28 at JPMorgan");

        Assert.Empty(read.Changes);
        var unresolved = Assert.Single(read.Unresolved);
        Assert.Equal("Banca Mediolanum", unresolved.Company);
        Assert.Null(unresolved.Ticker);
        Assert.Equal("JPMorgan", unresolved.Firm);
        Assert.Equal(RatingAction.TargetRaise, unresolved.Action);
        Assert.Equal((28m, 34m, "USD"), (unresolved.FromTarget!.Value, unresolved.ToTarget!.Value, unresolved.Currency));
        Assert.Equal([UnresolvedChange.MissingTicker], unresolved.Missing);
        Assert.Equal("Banca Mediolanum price target raised to $34 from $28 at JPMorgan", unresolved.Sentence);
    }

    [Fact]
    public void Read_ChangeWithoutAFirm_IsUnresolvedWithItsTicker()
    {
        var read = Extractor.Read("The bank upgraded Cipher Mining (CIFR) to Overweight from Neutral.");

        Assert.Empty(read.Changes);
        var unresolved = Assert.Single(read.Unresolved);
        Assert.Equal(("CIFR", RatingAction.Upgrade), (unresolved.Ticker, unresolved.Action!.Value));
        Assert.Equal([UnresolvedChange.MissingFirm], unresolved.Missing);
    }

    [Theory]
    [InlineData("Apple upgraded its iPhone lineup with a faster chip")]
    [InlineData("Morgan Stanley Raises Quarterly Dividend to $1.00 Per Share")]
    [InlineData("Gold price target raised to $4,000 at Goldman Sachs")]
    [InlineData("Goldman raises S&P 500 target to 7,000")]
    [InlineData("Keysight Technologies (KEYS) Price Target Increased by 10.08% to 216.73")]
    [InlineData("Medtronic (MDT) Upgraded to Buy: Here's Why")]
    public void Read_LookAlike_IsNeitherChangeNorUnresolved(string text)
    {
        var read = Extractor.Read(text);

        Assert.Empty(read.Changes);
        Assert.Empty(read.Unresolved);
    }

    [Fact]
    public void Extract_SeveralChangesInOneLine_EqualsReadChanges()
    {
        const string text = "BofA downgraded Asbury Auto from Buy to Neutral and Genuine Parts from Neutral to Underperform";

        Assert.Equal(Extractor.Read(text).Changes, Extractor.Extract(text));
    }

    [Fact]
    public void Read_PenceTarget_IsGBpNeverPounds()
    {
        var unresolved = Assert.Single(Extractor.Read("JPMORGAN CUTS TARGET FOR BABCOCK TO 335 PENCE FROM 400 PENCE").Unresolved);

        Assert.Equal(("BABCOCK", "GBp", 400m, 335m), (unresolved.Company, unresolved.Currency, unresolved.FromTarget!.Value, unresolved.ToTarget!.Value));
    }
}

using Alerts.Core.Securities;

namespace Alerts.Core.Tests.Securities;

public class SecuritiesMasterTests
{
    private static SecuritiesMaster Master => SecuritiesMaster.Default;

    [Theory]
    [InlineData("BRK-B")]
    [InlineData("BRK.B")]
    [InlineData("brk/b")]
    [InlineData(" BRK.B ")]
    public void TryGetListing_ShareClassSpellings_AreOneListing(string ticker)
    {
        Assert.True(Master.TryGetListing(ticker, out var listing));
        Assert.Equal("BRK.B", listing.Ticker);
        Assert.Equal("NYSE", listing.Exchange);
        Assert.Equal("BERKSHIRE HATHAWAY INC", listing.FiledName);
        Assert.Equal(1067983, listing.Cik);
    }

    [Theory]
    [InlineData("MSFT", "Microsoft")]
    [InlineData("META", "Meta Platforms")]
    [InlineData("JPM", "JPMorgan Chase")]
    [InlineData("MARA", "MARA Holdings")]
    [InlineData("IDYA", "IDEAYA Biosciences")]
    [InlineData("RIOT", "Riot Platforms")]
    [InlineData("LSPD", "Lightspeed Commerce")]
    [InlineData("NTRS", "Northern Trust")]
    [InlineData("CAT", "Caterpillar")]
    [InlineData("BAC", "Bank of America")]
    [InlineData("T", "AT&T")]
    public void DisplayName_ListedTicker_IsTheNameNewsUses(string ticker, string name) =>
        Assert.Equal(name, Master.DisplayName(ticker));

    [Theory]
    [InlineData("MICROSOFT CORP", "Microsoft")]
    [InlineData("Meta Platforms, Inc.", "Meta Platforms")]
    [InlineData("BANK OF AMERICA CORP /DE/", "Bank of America")]
    [InlineData("JPMORGAN CHASE & CO", "Jpmorgan Chase")]
    [InlineData("COSTCO WHOLESALE CORP /NEW", "Costco Wholesale")]
    [InlineData("Anheuser-Busch InBev SA/NV", "Anheuser-Busch InBev")]
    [InlineData("PROCTER & GAMBLE Co", "Procter & Gamble")]
    [InlineData("CSX CORP", "CSX")]
    public void Display_FiledName_DropsSuffixesAndTitleCasesCapitals(string filed, string display) =>
        Assert.Equal(display, CompanyNames.Display(filed));

    [Theory]
    [InlineData("Ideaya Biosciences", "IDYA")]
    [InlineData("IDEAYA Biosciences, Inc.", "IDYA")]
    [InlineData("Riot Platforms", "RIOT")]
    [InlineData("Lightspeed Commerce", "LSPD")]
    [InlineData("Microsoft", "MSFT")]
    [InlineData("MICROSOFT CORP", "MSFT")]
    [InlineData("Meta Platforms, Inc.", "META")]
    [InlineData("Facebook", "META")]
    [InlineData("Google", "GOOGL")]
    [InlineData("Alphabet Inc.", "GOOGL")]
    [InlineData("Berkshire Hathaway Inc.", "BRK.B")]
    [InlineData("Bank of America Corp", "BAC")]
    [InlineData("Northern Trust", "NTRS")]
    [InlineData("MARA Holdings", "MARA")]
    [InlineData("Target Corp.", "TGT")]
    [InlineData("Compass, Inc.", "COMP")]
    [InlineData("Caterpillar Inc.", "CAT")]
    [InlineData("Caterpillar", "CAT")] // a word, but the alias table names it
    public void TryResolveName_UnambiguousName_GivesTicker(string name, string ticker)
    {
        Assert.True(Master.TryResolveName(name, out var resolved), name);
        Assert.Equal(ticker, resolved);
    }

    [Theory]
    [InlineData("Target")] // the word
    [InlineData("Block")]
    [InlineData("Compass")]
    [InlineData("Match")]
    [InlineData("Gap")]
    [InlineData("SPDR S&P 500 ETF Trust")] // a fund: its ticker only
    [InlineData("SPDR Gold Trust")]
    [InlineData("EIDP")] // CTA-PA is a preferred; EIDP's common stock is not listed
    [InlineData("Acme Widgets")]
    public void TryResolveName_WordFundOrUnknown_GivesNothing(string name) =>
        Assert.False(Master.TryResolveName(name, out _), name);

    [Fact]
    public void TryResolveName_NameOfTwoCompanies_GivesNothing()
    {
        var master = SecuritiesMaster.Load(null);
        master.Replace(
            [.. Rows(6_000), new SecListing(1, "Acme Widgets Inc.", "ACMW", "NYSE"), new SecListing(2, "ACME WIDGETS CORP", "ACMX", "OTC")],
            "test",
            DateTimeOffset.UnixEpoch);

        Assert.False(master.TryResolveName("Acme Widgets", out _));
        Assert.True(master.IsListed("ACMW"));
        Assert.True(master.IsListed("ACMX"));
    }

    [Fact]
    public void TryResolveName_ShareClassesOfOneCompany_GiveTheFirstListed()
    {
        Assert.True(Master.TryResolveName("Alphabet", out var alphabet));
        Assert.Equal("GOOGL", alphabet);

        var master = SecuritiesMaster.Load(null);
        master.Replace(
            [.. Rows(6_000), new SecListing(7, "Zeta Widgets, Inc.", "ZWID", "Nasdaq"), new SecListing(7, "Zeta Widgets, Inc.", "ZWIDK", "Nasdaq"), new SecListing(7, "Zeta Widgets, Inc.", "ZWID-PA", "Nasdaq")],
            "test",
            DateTimeOffset.UnixEpoch);
        Assert.True(master.TryResolveName("Zeta Widgets", out var zeta));
        Assert.Equal("ZWID", zeta);
    }

    [Fact]
    public void Load_UserNames_AddAliasesAndWords()
    {
        var master = SecuritiesMaster.Load("""{"companies": {"LSPD": ["Lightspeed POS"], "IDYA": ["Ideaya"]}, "commonWords": ["Lightspeed Commerce"]}""");

        Assert.True(master.TryResolveName("Lightspeed POS", out var lightspeed));
        Assert.Equal("LSPD", lightspeed);
        Assert.True(master.TryResolveName("Ideaya", out var ideaya));
        Assert.Equal("IDYA", ideaya);
        Assert.False(master.TryResolveName("Lightspeed Commerce", out _));
        Assert.True(master.TryResolveName("Lightspeed Commerce Inc.", out _));
        Assert.Equal("Lightspeed POS", master.DisplayName("LSPD"));
        Assert.False(SecuritiesMaster.Default.TryResolveName("Ideaya", out _));
    }

    [Theory]
    [InlineData("SPY", ListingKind.Fund)]
    [InlineData("GLD", ListingKind.Fund)]
    [InlineData("CTA-PA", ListingKind.Preferred)]
    [InlineData("AAPL", ListingKind.Common)]
    [InlineData("GOOG", ListingKind.Common)]
    public void TryGetListing_Kind_IsReadFromTickerAndName(string ticker, ListingKind kind)
    {
        Assert.True(Master.TryGetListing(ticker, out var listing));
        Assert.Equal(kind, listing.Kind);
    }

    [Theory]
    [InlineData("APPL", "AAPL")]
    [InlineData("MSFTT", "MSFT")]
    [InlineData("NVDIA", "NVDA")]
    [InlineData("GOOGLE", "GOOGL")]
    public void Suggest_Misspelling_OffersTheListedTicker(string typed, string expected)
    {
        var suggestions = Master.Suggest(typed);
        Assert.Contains(expected, suggestions);
        Assert.InRange(suggestions.Count, 1, 3);
        Assert.All(suggestions, s => Assert.True(Master.IsListed(s)));
    }

    [Fact]
    public void CheckTickers_UnlistedOnes_WarnedByIndexWithSuggestions()
    {
        var warnings = Master.CheckTickers(["AAPL", "BRK-B", "APPL", "7203.T"]);

        Assert.Equal(2, warnings.Count);
        Assert.Equal("tickers[2]", warnings[0].Field);
        Assert.Equal("APPL", warnings[0].Ticker);
        Assert.Equal("not a listed ticker", warnings[0].Message);
        Assert.Equal("AAPL", warnings[0].Suggestions[0]);
        Assert.Contains("APP", warnings[0].Suggestions);
        Assert.Equal("tickers[3]", warnings[1].Field);
        Assert.Equal("7203.T", warnings[1].Ticker);
    }

    [Fact]
    public void CheckTickers_ManyUnlisted_OnlyTheFirstOnesGetSuggestions()
    {
        var tickers = Enumerable.Range(0, 30).Select(i => $"APPL{(char)('A' + i % 26)}{i / 26}").ToList();

        var warnings = Master.CheckTickers(tickers);

        Assert.Equal(30, warnings.Count);
        Assert.Equal("tickers[29]", warnings[29].Field);
        Assert.All(warnings.Skip(SecuritiesMaster.MaxSuggested), w => Assert.Empty(w.Suggestions));
        Assert.Contains(warnings.Take(SecuritiesMaster.MaxSuggested), w => w.Suggestions.Count > 0);
    }

    [Fact]
    public void CheckTickers_AllListed_NoWarning() => Assert.Empty(Master.CheckTickers(["AAPL", "brk.b", "SPY"]));

    [Fact]
    public void Suggest_NothingNear_GivesNothing() => Assert.Empty(Master.Suggest("QQQQQQQQQ"));

    [Fact]
    public void Replace_NewFile_IsSeenAtOnceAndKeepsAliases()
    {
        var master = SecuritiesMaster.Load(null);
        Assert.False(master.IsListed("ZZQX"));
        var at = new DateTimeOffset(2026, 12, 8, 6, 0, 0, TimeSpan.Zero);

        master.Replace([.. Rows(6_000), new SecListing(99, "Zed Quux Robotics Inc", "ZZQX", "Nasdaq")], "https://example.test/file.json", at);

        Assert.True(master.IsListed("ZZQX"));
        Assert.Equal("Zed Quux Robotics", master.DisplayName("zzqx"));
        Assert.True(master.TryResolveName("Zed Quux Robotics", out var ticker));
        Assert.Equal("ZZQX", ticker);
        Assert.True(master.TryResolveName("Google", out var google));
        Assert.Equal("GOOGL", google);
        Assert.Equal("https://example.test/file.json", master.Source);
        Assert.Equal(at, master.RefreshedAt);
        Assert.Equal(SecuritiesMaster.EmbeddedSource, SecuritiesMaster.Default.Source);
    }

    [Fact]
    public async Task Replace_WhileReading_ReadersSeeOneWholeSnapshot()
    {
        var master = SecuritiesMaster.Load(null);
        var withRow = new List<SecListing>(Rows(6_000)) { new(99, "Zed Quux Robotics Inc", "ZZQX", "Nasdaq") };
        var without = Rows(6_000);
        master.Replace(withRow, "test", DateTimeOffset.UnixEpoch);
        var countWith = master.Count;
        master.Replace(without, "test", DateTimeOffset.UnixEpoch);
        var countWithout = master.Count;
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var readers = Enumerable.Range(0, 2).Select(reader => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var count = master.Count;
                if ((count != countWith && count != countWithout) || !master.IsListed("AAPL") || !master.TryResolveName("Google", out _))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();

        for (var i = 0; i < 6; i++)
        {
            master.Replace(i % 2 == 0 ? withRow : without, "test", DateTimeOffset.UnixEpoch);
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Equal(0, failures);
        Assert.Equal(countWith - 1, countWithout);
        Assert.False(master.IsListed("ZZQX"));
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("<html><body>Request Rate Threshold Exceeded</body></html>", "not JSON")]
    [InlineData("""{"fields": ["cik", "name"], "data": []}""", "lacks ticker")]
    [InlineData("""{"data": []}""", "not the SEC's shape")]
    [InlineData("""{"fields": ["cik", "name", "ticker", "exchange"], "data": [[320193, "Apple Inc.", "AAPL", "Nasdaq"]]}""", "1 usable rows")]
    public void TryParse_BadAnswer_SaysWhy(string body, string problem)
    {
        Assert.False(SecListingsFile.TryParse(System.Text.Encoding.UTF8.GetBytes(body), SecListingsFile.MinimumRows, out _, out var why));
        Assert.Contains(problem, why);
    }

    private static List<SecListing> Rows(int count) =>
        Enumerable.Range(0, count).Select(i => new SecListing(1_000_000 + i, $"Filler Company Number {i} Inc", $"F{i}X", "OTC")).ToList();
}

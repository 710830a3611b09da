using Alerts.Core.Extraction;

namespace Alerts.Core.Tests.Extraction;

public class CompanyDirectoryTests
{
    [Theory]
    [InlineData("Apple", "AAPL")]
    [InlineData("Apple Inc.", "AAPL")]
    [InlineData("apple inc", "AAPL")]
    [InlineData("Tesla", "TSLA")]
    [InlineData("Nvidia", "NVDA")]
    [InlineData("NVIDIA Corporation", "NVDA")]
    [InlineData("Biogen", "BIIB")]
    [InlineData("Cabot", "CBT")]
    [InlineData("Twitter", "TWTR")]
    [InlineData("Alphabet", "GOOGL")]
    [InlineData("Google", "GOOGL")]
    [InlineData("Meta Platforms", "META")]
    [InlineData("Berkshire Hathaway", "BRK.B")]
    [InlineData("Johnson & Johnson", "JNJ")]
    [InlineData("Johnson and Johnson", "JNJ")]
    [InlineData("McDonald's", "MCD")]
    [InlineData("Target Corp.", "TGT")]
    public void TryResolve_KnownName_GivesTicker(string name, string ticker)
    {
        Assert.True(CompanyDirectory.Default.TryResolve(name, out var resolved));
        Assert.Equal(ticker, resolved);
    }

    [Theory]
    [InlineData("Target")]
    [InlineData("Block")]
    [InlineData("Acme Widgets")]
    [InlineData("")]
    public void TryResolve_CommonWordOrUnknown_GivesNothing(string name) =>
        Assert.False(CompanyDirectory.Default.TryResolve(name, out _));

    [Fact]
    public void Default_HoldsEveryListedCompany() => Assert.InRange(CompanyDirectory.Default.Count, 9_000, 20_000);

    [Fact]
    public void Load_Extra_AddsAndWinsOnConflict()
    {
        var directory = CompanyDirectory.Load("""{"companies": {"ACMW": ["Acme Widgets", "Acme"], "APLE": ["Apple"]}}""");

        Assert.True(directory.TryResolve("Acme Widgets Inc.", out var acme));
        Assert.Equal("ACMW", acme);
        Assert.True(directory.TryResolve("Apple", out var apple));
        Assert.Equal("APLE", apple);
        Assert.True(directory.TryResolve("Tesla", out var tesla));
        Assert.Equal("TSLA", tesla);
        Assert.Equal("Acme Widgets", directory.NameOf("acmw"));
        Assert.True(directory.IsKnownTicker("ACMW"));
    }
}

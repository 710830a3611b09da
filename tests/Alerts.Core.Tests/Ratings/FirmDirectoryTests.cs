using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.Ratings;

public class FirmDirectoryTests
{
    [Theory]
    [InlineData("J.P. Morgan", "JPMorgan")]
    [InlineData("JPMorgan", "JPMorgan")]
    [InlineData("JPMorgan Chase", "JPMorgan")]
    [InlineData("JPM", "JPMorgan")]
    [InlineData("jp morgan", "JPMorgan")]
    [InlineData("BofA", "BofA Securities")]
    [InlineData("BofA Securities", "BofA Securities")]
    [InlineData("Bank of America", "BofA Securities")]
    [InlineData("Merrill Lynch", "BofA Securities")]
    [InlineData("Citi", "Citi")]
    [InlineData("Citigroup", "Citi")]
    [InlineData("RBC", "RBC Capital Markets")]
    [InlineData("RBC Capital", "RBC Capital Markets")]
    [InlineData("RBC Capital Markets", "RBC Capital Markets")]
    [InlineData("Evercore", "Evercore ISI")]
    [InlineData("Evercore ISI", "Evercore ISI")]
    public void Canonicalize_KnownAlias_ReturnsCanonicalName(string given, string expected) =>
        Assert.Equal(expected, FirmDirectory.Default.Canonicalize(given));

    [Theory]
    [InlineData("Morgan Stanley & Co.", "Morgan Stanley")]
    [InlineData("Keefe, Bruyette & Woods", "Keefe Bruyette & Woods")]
    [InlineData("Needham & Company", "Needham")]
    public void Canonicalize_PunctuationAndAmpersand_AreIgnored(string given, string expected) =>
        Assert.Equal(expected, FirmDirectory.Default.Canonicalize(given));

    [Theory]
    [InlineData("  Acme   Research  Partners ", "Acme Research Partners")]
    [InlineData("Tiny\tBoutique\nAdvisors", "Tiny Boutique Advisors")]
    [InlineData("Zeta Equity", "Zeta Equity")]
    public void Canonicalize_UnknownFirm_KeepsNameWithTidiedWhitespace(string given, string expected)
    {
        Assert.Equal(expected, FirmDirectory.Default.Canonicalize(given));
        Assert.False(FirmDirectory.Default.IsKnown(given));
    }

    [Theory]
    [InlineData("J.P. Morgan")]
    [InlineData("Merrill Lynch")]
    [InlineData("Evercore")]
    public void IsKnown_Alias_True(string firm) => Assert.True(FirmDirectory.Default.IsKnown(firm));

    [Fact]
    public void CanonicalNames_ContainEachCanonicalNameOnce()
    {
        var names = FirmDirectory.Default.CanonicalNames.ToList();

        Assert.Contains("JPMorgan", names);
        Assert.Contains("BofA Securities", names);
        Assert.DoesNotContain("J.P. Morgan", names);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Load_ExtraJson_AddsNewFirmAndItsAliases()
    {
        var directory = FirmDirectory.Load("""{ "firms": { "Acme Securities": [ "Acme", "ACME Sec" ] } }""");

        Assert.Equal("Acme Securities", directory.Canonicalize("Acme"));
        Assert.Equal("Acme Securities", directory.Canonicalize("acme sec"));
        Assert.Equal("Acme Securities", directory.Canonicalize("Acme Securities"));

        // The built-in table is still there.
        Assert.Equal("JPMorgan", directory.Canonicalize("J.P. Morgan"));

        // And the default directory is not changed by it.
        Assert.Equal("Acme", FirmDirectory.Default.Canonicalize("Acme"));
    }

    [Fact]
    public void Load_ExtraJson_OverridesBuiltInAlias()
    {
        var directory = FirmDirectory.Load("""{ "firms": { "Jane Partners Midtown": [ "JPM" ] } }""");

        Assert.Equal("Jane Partners Midtown", directory.Canonicalize("JPM"));
        Assert.Equal("JPMorgan", directory.Canonicalize("J.P. Morgan"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Load_NoExtraJson_EqualsBuiltInTable(string? extra)
    {
        var directory = FirmDirectory.Load(extra);

        Assert.Equal(FirmDirectory.Default.CanonicalNames.Order(), directory.CanonicalNames.Order());
    }

    [Theory]
    [InlineData("MS Co")]
    [InlineData("DB SA")]
    [InlineData("GS Group")]
    public void Canonicalize_InitialsWithCorporateSuffix_AreNotTakenForABigBroker(string firm) =>
        Assert.Equal(firm, FirmDirectory.Default.Canonicalize(firm));

    [Theory]
    [InlineData("Piper Sandler & Co.", "Piper Sandler")]
    [InlineData("Wedbush Securities Inc", "Wedbush")]
    public void Canonicalize_LongNameWithCorporateSuffix_FindsTheBroker(string firm, string expected) =>
        Assert.Equal(expected, FirmDirectory.Default.Canonicalize(firm));
}

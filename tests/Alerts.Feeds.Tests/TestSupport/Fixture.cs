namespace Alerts.Feeds.Tests.TestSupport;

/// <summary>The recorded answers under Fixtures/ (copied next to the test binaries).</summary>
internal static class Fixture
{
    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
}

/// <summary>
/// Renames a fixture's tickers apart for one test ("AAPL" -> "AAPL.K3F9", the same suffix in every fixture it is applied
/// to), so that tests sharing one Azurite never see each other's history.
/// </summary>
internal sealed class TickersApart
{
    private readonly string _suffix = "." + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();

    public string this[string ticker] => ticker + _suffix;

    /// <summary>The fixture's text with each of <paramref name="tickers"/> renamed where it stands as a JSON string or in "(TICKER)".</summary>
    public string Fixture(string name, params string[] tickers)
    {
        var text = TestSupport.Fixture.Text(name);
        foreach (var ticker in tickers)
        {
            text = text.Replace($"\"{ticker}\"", $"\"{this[ticker]}\"", StringComparison.Ordinal)
                .Replace($"({ticker})", $"({this[ticker]})", StringComparison.Ordinal);
        }

        return text;
    }
}

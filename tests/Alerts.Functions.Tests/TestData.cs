namespace Alerts.Functions.Tests;

/// <summary>Unique tickers and addresses, so that tests sharing one storage account never see each other's data.</summary>
internal static class TestData
{
    public static string Ticker() => "Z" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(7)).ToUpperInvariant().PadRight(7, 'Q');

    public static string Email() => $"user-{Guid.NewGuid():N}@example.com";

    public static string Change(string ticker, string firm = "J.P. Morgan", string from = "Neutral", string to = "Overweight", decimal fromTarget = 12, decimal toTarget = 18, string? id = null, string? publishedAt = null) =>
        "{" +
        (id is null ? string.Empty : $"\"id\":\"{id}\",") +
        $"\"ticker\":\"{ticker}\",\"firm\":\"{firm}\",\"fromRating\":\"{from}\",\"toRating\":\"{to}\",\"fromTarget\":{fromTarget},\"toTarget\":{toTarget},\"source\":\"tests\"" +
        (publishedAt is null ? string.Empty : $",\"publishedAt\":\"{publishedAt}\"") +
        "}";
}

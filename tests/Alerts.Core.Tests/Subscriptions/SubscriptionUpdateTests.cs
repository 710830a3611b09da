using System.Text;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Tests.Subscriptions;

public class SubscriptionUpdateTests
{
    private static Validated<SubscriptionUpdate> Parse(string body) =>
        SubscriptionUpdate.Parse(Encoding.UTF8.GetBytes(body), FirmDirectory.Default);

    [Fact]
    public void Parse_WithoutEmail_IsValidAndLeavesTheAddressAlone()
    {
        var result = Parse("""{"tickers":["nvda","msft"],"actions":["upgrade"],"minRating":"buy","direction":"positive","paused":true}""");

        Assert.True(result.IsValid);
        Assert.Null(result.Value!.Email);
        Assert.Equal(["NVDA", "MSFT"], result.Value.Tickers);
        Assert.Equal(RatingLevel.Buy, result.Value.Rules.MinRating);
        Assert.True(result.Value.Rules.Paused);
    }

    [Fact]
    public void Parse_WithEmail_NormalizesItForTheComparison() =>
        Assert.Equal("Ana@example.com", Parse("""{"email":" Ana@EXAMPLE.com ","tickers":["CIFR"]}""").Value!.Email);

    [Theory]
    [InlineData("""{"email":"not an address","tickers":["CIFR"]}""", "email")]
    [InlineData("""{"tickers":[]}""", "tickers")]
    [InlineData("""{"actions":["upgrade"]}""", "tickers")]
    [InlineData("""{"tickers":["CIFR"],"direction":"sideways"}""", "direction")]
    [InlineData("""{"tickers":["CIFR"],"minRating":"unknown"}""", "minRating")]
    [InlineData("""{"tickers":["CIFR"],"minTargetChangePct":1001}""", "minTargetChangePct")]
    [InlineData("""[]""", "body")]
    public void Parse_BadBody_NamesTheField(string body, string field)
    {
        var result = Parse(body);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == field);
    }

    [Fact]
    public void Parse_RulesLeftOut_AreCleared() =>
        Assert.Equal(SubscriberRules.Any, Parse("""{"tickers":["CIFR"]}""").Value!.Rules);
}

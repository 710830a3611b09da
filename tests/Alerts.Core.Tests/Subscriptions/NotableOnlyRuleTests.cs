using System.Text;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Tests.Subscriptions;

/// <summary>The <c>"notableOnly"</c> rule of a subscription body.</summary>
public class NotableOnlyRuleTests
{
    private static Validated<SubscriptionRequest> ParseWith(string extra) =>
        SubscriptionRequest.Parse(Encoding.UTF8.GetBytes($$"""{"email":"ana@example.com","tickers":["CIFR"],{{extra}}}"""), FirmDirectory.Default);

    [Fact]
    public void Parse_NotableOnlyTrue_IsTheRule() =>
        Assert.True(ParseWith("\"notableOnly\":true").Value!.Rules.NotableOnly);

    [Theory]
    [InlineData("\"notableOnly\":false")]
    [InlineData("\"notableOnly\":null")]
    [InlineData("\"paused\":false")]
    public void Parse_NotableOnlyFalseOrLeftOut_IsNoRule(string extra) =>
        Assert.False(ParseWith(extra).Value!.Rules.NotableOnly);

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("1")]
    public void Parse_NotableOnlyNotABoolean_ReportsTheField(string value)
    {
        var result = ParseWith($"\"notableOnly\":{value}");

        Assert.False(result.IsValid);
        Assert.Equal("notableOnly", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Equals_RulesDifferingInNotableOnly_AreNotEqual() =>
        Assert.NotEqual(new SubscriberRules(), new SubscriberRules { NotableOnly = true });
}

using System.Text.RegularExpressions;
using Alerts.Core.Delivery;
using Alerts.Core.Security;
using Alerts.Core.Subscriptions;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Delivery;

public class ConfirmationEmailComposerTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now);

    private static Subscription Pending(int tickers = 2) => new()
    {
        Id = "sub-7",
        Email = "ana@example.com",
        Tickers = Enumerable.Range(0, tickers).Select(i => i == 0 ? "CIFR" : $"T{i}").ToList(),
        Rules = SubscriberRules.Any,
        Status = SubscriptionStatus.Pending,
        CreatedAt = TestChanges.Now,
    };

    private EmailMessage Compose(Subscription? subscription = null) =>
        new ConfirmationEmailComposer(TestLinks.Create(_time), TestLinks.Email()).Compose(subscription ?? Pending());

    [Fact]
    public void Compose_Subject_ContainsConfirm() =>
        Assert.Contains("Confirm", Compose().Subject, StringComparison.Ordinal);

    [Fact]
    public void Compose_Addresses_AreSubscriberAndConfiguredSender()
    {
        var email = Compose();

        Assert.Equal("ana@example.com", email.To);
        Assert.Equal("alerts@example.com", email.FromAddress);
        Assert.Equal(ConfirmationEmailComposer.Category, email.Category);
        Assert.Equal("sub-7", email.Reference);
    }

    [Fact]
    public void Compose_Html_HasExactlyOneLinkAndItsPathContainsConfirm()
    {
        var email = Compose();

        var hrefs = Regex.Matches(email.HtmlBody, "href=\"([^\"]+)\"");
        var href = Assert.Single(hrefs).Groups[1].Value;
        var url = new Uri(System.Net.WebUtility.HtmlDecode(href));
        Assert.Contains("confirm", url.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("sub-7", url.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains(url.AbsoluteUri, email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_ConfirmLink_CarriesConfirmTokenOfThisSubscription()
    {
        var email = Compose();
        var url = new Uri(Regex.Match(email.TextBody, @"https://\S+").Value);
        var token = TestLinks.TokenOf(url);
        var tokens = TestLinks.Tokens(_time);

        Assert.True(tokens.IsValid(token, LinkPurpose.Confirm, "sub-7"));
        Assert.False(tokens.IsValid(token, LinkPurpose.Manage, "sub-7"));
        Assert.False(tokens.IsValid(token, LinkPurpose.Confirm, "sub-8"));
    }

    [Fact]
    public void Compose_Bodies_NameTheTickers()
    {
        var email = Compose();

        Assert.Contains("CIFR, T1", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("CIFR, T1", email.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_ManyTickers_ListsFirstTwentyAndCountsTheRest()
    {
        var email = Compose(Pending(tickers: 25));

        Assert.Contains("T19 and 5 more", email.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("T20", email.TextBody, StringComparison.Ordinal);
    }
}

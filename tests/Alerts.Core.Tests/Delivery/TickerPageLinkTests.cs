using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Delivery;

/// <summary>Every alert and digest links to the ticker's page, <c>/t/{TICKER}</c> under <c>Alerts__PublicBaseUrl</c>.</summary>
public class TickerPageLinkTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now);

    [Fact]
    public void Ticker_BaseUrlWithTrailingSlash_IsTheTickersPage() =>
        Assert.Equal("https://alerts.example.com/t/BRK.B", TestLinks.Create(_time).Ticker("BRK.B"));

    [Fact]
    public void AlertCompose_CifrUpgrade_TextAndHtmlLinkToTheTickersPage()
    {
        var recipient = new AlertRecipient(AlertIds.For("change-cifr-1", "sub-1"), "sub-1", "ana@example.com");

        var email = new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email()).Compose(TestChanges.CifrUpgrade(), recipient);

        Assert.Contains("https://alerts.example.com/t/CIFR\n", email.TextBody.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://alerts.example.com/t/CIFR\">", email.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void DigestCompose_TwoTickers_EachLinksToItsPage()
    {
        var email = new DigestEmailComposer(TestLinks.Create(_time), TestLinks.Email())
            .Compose("sub-1", "ana@example.com", "digest-1", [TestChanges.CifrUpgrade(), TestChanges.Bare(RatingAction.Downgrade, "NVDA")]);

        foreach (var ticker in new[] { "CIFR", "NVDA" })
        {
            Assert.Contains($"https://alerts.example.com/t/{ticker}\n", email.TextBody.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            Assert.Contains($"<a href=\"https://alerts.example.com/t/{ticker}\">", email.HtmlBody, StringComparison.Ordinal);
        }
    }
}

using System.Text.RegularExpressions;
using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Securities;
using Alerts.Core.Security;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Delivery;

public class AlertEmailComposerTests
{
    private const string SubscriptionId = "sub-42";

    private readonly FakeTimeProvider _time = new(TestChanges.Now);
    private readonly AlertRecipient _recipient = new(AlertIds.For("change-cifr-1", SubscriptionId), SubscriptionId, "ana@example.com");

    private EmailMessage Compose(RatingChange? change = null, StreetContext? context = null) =>
        new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email()).Compose(change ?? TestChanges.CifrUpgrade(), _recipient, context);

    private static StreetContext ContextWith(string firm) => StreetContextCalculator.Calculate(
        TestChanges.CifrUpgrade(),
        [TestChanges.CifrUpgrade() with { Id = "earlier", Firm = firm, Action = RatingAction.Downgrade, ToRating = "Sell", ToLevel = RatingLevel.Sell, ToTarget = 9m, PublishedAt = TestChanges.Now.AddDays(-1) }]);

    private static Uri LinkIn(string text, string page)
    {
        var match = Regex.Match(text, $@"https://alerts\.example\.com/\S*/{page}\?token=[^\s""<]+");
        Assert.True(match.Success, $"no {page} link in: {text}");
        return new Uri(System.Net.WebUtility.HtmlDecode(match.Value));
    }

    [Fact]
    public void Compose_Subject_IsTheHeadline() =>
        Assert.Equal("JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -> $18", Compose().Subject);

    [Fact]
    public void Compose_Addresses_AreRecipientAndConfiguredSender()
    {
        var email = Compose();

        Assert.Equal("ana@example.com", email.To);
        Assert.Equal("alerts@example.com", email.FromAddress);
        Assert.Equal("Alerts", email.FromName);
        Assert.Equal(AlertEmailComposer.Category, email.Category);
        Assert.Equal(_recipient.AlertId, email.Reference);
    }

    [Fact]
    public void Compose_ListUnsubscribe_IsAngleBracketedUnsubscribeUrlWithWorkingToken()
    {
        var header = Compose().Headers["List-Unsubscribe"];

        Assert.StartsWith("<", header, StringComparison.Ordinal);
        Assert.EndsWith(">", header, StringComparison.Ordinal);
        var url = new Uri(header[1..^1]);
        Assert.Equal("https", url.Scheme);
        Assert.Contains("unsubscribe", url.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains(SubscriptionId, url.AbsolutePath, StringComparison.Ordinal);
        Assert.True(TestLinks.Tokens(_time).IsValid(TestLinks.TokenOf(url), LinkPurpose.Unsubscribe, SubscriptionId));
        Assert.False(TestLinks.Tokens(_time).IsValid(TestLinks.TokenOf(url), LinkPurpose.Manage, SubscriptionId));
    }

    [Fact]
    public void Compose_ListUnsubscribePost_IsOneClick() =>
        Assert.Equal("List-Unsubscribe=One-Click", Compose().Headers["List-Unsubscribe-Post"]);

    [Fact]
    public void Compose_TextAndHtml_BothCarryManageLinkWithToken()
    {
        var email = Compose();
        var tokens = TestLinks.Tokens(_time);

        foreach (var body in new[] { email.TextBody, email.HtmlBody })
        {
            var manage = LinkIn(body, "manage");
            Assert.Contains("manage", manage.AbsolutePath, StringComparison.Ordinal);
            Assert.StartsWith("?token=", manage.Query, StringComparison.Ordinal);
            Assert.True(tokens.IsValid(TestLinks.TokenOf(manage), LinkPurpose.Manage, SubscriptionId));
        }
    }

    [Fact]
    public void Compose_TextAndHtml_BothCarryUnsubscribeLink()
    {
        var email = Compose();

        Assert.Contains("unsubscribe", LinkIn(email.TextBody, "unsubscribe").AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("unsubscribe", LinkIn(email.HtmlBody, "unsubscribe").AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Bodies_SayTheFacts()
    {
        var email = Compose();

        foreach (var body in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains("Cipher Mining", body, StringComparison.Ordinal);
            Assert.Contains("Reginald Smith", body, StringComparison.Ordinal);
            Assert.Contains("$12", body, StringComparison.Ordinal);
            Assert.Contains("+50%", body, StringComparison.Ordinal);
            Assert.Contains("2025-12-02 13:30 UTC", body, StringComparison.Ordinal);
        }

        Assert.Contains("href=\"https://example.com/story\"", email.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_DateOnlyChange_ShowsTheVendorsDateAndNoTimeOfDay()
    {
        // Finnhub's JPMorgan upgrade of BYND: the vendor gave 2019-08-20 and no time; it sorts at 16:00 New York (20:00 UTC).
        var change = TestChanges.CifrUpgrade() with
        {
            PublishedAt = MarketDates.SortInstant(new DateOnly(2019, 8, 20)),
            PublishedDate = new DateOnly(2019, 8, 20),
        };

        var email = Compose(change);

        foreach (var body in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains("2019-08-20", body, StringComparison.Ordinal);
            Assert.DoesNotContain("20:00", body, StringComparison.Ordinal);
            Assert.DoesNotContain("2019-08-19", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compose_ScriptInFirmAndCompany_IsEscapedInHtml()
    {
        var change = TestChanges.CifrUpgrade() with
        {
            Firm = "Evil <script>alert('firm')</script> Capital",
            Company = "Cipher <script>alert(1)</script> & Co",
            Analyst = "<img src=x onerror=alert(2)>",
            Url = "https://example.com/?q=\"><script>alert(3)</script>",
        };

        var html = Compose(change).HtmlBody;

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&amp; Co", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_NoUrl_HasNoStoryLink() =>
        Assert.DoesNotContain("Read the story", Compose(TestChanges.CifrUpgrade() with { Url = null }).HtmlBody, StringComparison.Ordinal);

    [Fact]
    public void Compose_WithContext_BothPartsCarryIt()
    {
        var email = Compose(context: ContextWith("UBS"));

        Assert.Contains("The street on CIFR", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("1 Dec · UBS · downgrade · Neutral -> Sell · $12 -> $9", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("The street on CIFR", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<td style=\"padding:4px 5px;border-bottom:1px solid #e5e5e5;vertical-align:top;text-align:left\">UBS</td>", email.HtmlBody, StringComparison.Ordinal);
        Assert.True(email.TextBody.IndexOf("The street on", StringComparison.Ordinal) < email.TextBody.IndexOf("Manage your alerts", StringComparison.Ordinal));
    }

    [Fact]
    public void Compose_ContextWithScriptInAFirm_IsEscapedInHtml()
    {
        var html = Compose(context: ContextWith("<script>alert('firm')</script> Securities")).HtmlBody;

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;firm&#39;)&lt;/script&gt; Securities", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_NoContext_HasNoContextSection() =>
        Assert.DoesNotContain("The street on", Compose().TextBody, StringComparison.Ordinal);

    [Theory]
    [InlineData(null)]
    [InlineData("MARA")]
    [InlineData("mara")]
    public void Compose_NoCompanyName_TakesTheMastersName(string? company)
    {
        var change = TestChanges.Bare(RatingAction.Upgrade, ticker: "MARA") with { Company = company };

        var email = new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email(), SecuritiesMaster.Default).Compose(change, _recipient);

        Assert.Contains("Ticker: MARA (MARA Holdings)", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("MARA (MARA Holdings)", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("MARA (MARA)", email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_OwnCompanyName_IsKept()
    {
        var email = new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email(), SecuritiesMaster.Default).Compose(TestChanges.CifrUpgrade(), _recipient);

        Assert.Contains("Ticker: CIFR (Cipher Mining)", email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_UnlistedTickerWithoutName_ShowsTheTickerAlone()
    {
        var change = TestChanges.Bare(RatingAction.Upgrade, ticker: "7203.T");

        var email = new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email(), SecuritiesMaster.Default).Compose(change, _recipient);

        Assert.Contains("Ticker: 7203.T" + Environment.NewLine, email.TextBody, StringComparison.Ordinal);
    }
}

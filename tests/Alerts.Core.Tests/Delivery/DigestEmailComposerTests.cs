using Alerts.Core.Delivery;
using Alerts.Core.Ratings;
using Alerts.Core.Securities;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Delivery;

public class DigestEmailComposerTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now);

    private EmailMessage Compose(params RatingChange[] changes) =>
        new DigestEmailComposer(TestLinks.Create(_time), TestLinks.Email()).Compose("sub-1", "ana@example.com", "digest-1", changes);

    [Fact]
    public void Compose_SubjectCountsChangesAndTickers()
    {
        Assert.Equal("Alerts digest: 3 changes on 2 tickers", Compose(
            TestChanges.CifrUpgrade(),
            TestChanges.Bare(RatingAction.Downgrade, "NVDA"),
            TestChanges.Bare(RatingAction.TargetRaise, "NVDA")).Subject);
        Assert.Equal("Alerts digest: 1 change on 1 ticker", Compose(TestChanges.CifrUpgrade()).Subject);
    }

    [Fact]
    public void Compose_GroupedByTickerInOrder_EachTickersChangesNewestFirst()
    {
        var older = TestChanges.Bare(RatingAction.Downgrade, "NVDA") with { Id = "n1", PublishedAt = TestChanges.Now.AddHours(-2) };
        var newer = TestChanges.Bare(RatingAction.Upgrade, "NVDA", "Citi") with { Id = "n2", PublishedAt = TestChanges.Now };
        var email = Compose(older, TestChanges.CifrUpgrade(), newer);

        var text = email.TextBody;
        var cifr = text.IndexOf("== CIFR (Cipher Mining) ==", StringComparison.Ordinal);
        var nvda = text.IndexOf("== NVDA ==", StringComparison.Ordinal);
        Assert.True(cifr >= 0 && nvda > cifr, text);
        Assert.True(text.IndexOf("Citi upgrades NVDA", StringComparison.Ordinal) < text.IndexOf("JPMorgan downgrades NVDA", StringComparison.Ordinal), text);
        Assert.Contains("JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -&gt; $18", email.HtmlBody);
        Assert.True(text.Contains("Price target: $12 -> $18 (+50%)", StringComparison.Ordinal), text);
    }

    [Fact]
    public void Compose_WithContexts_ShowsEachTickersStreetAfterItsChanges()
    {
        var cifr = TestChanges.CifrUpgrade();
        var nvda = TestChanges.Bare(RatingAction.Downgrade, "NVDA");
        var earlier = TestChanges.Bare(RatingAction.Downgrade, "CIFR", "Morgan Stanley") with { Id = "ms-1", PublishedAt = cifr.PublishedAt.AddDays(-3) };
        var contexts = new Dictionary<string, Alerts.Core.Context.StreetContext>
        {
            ["CIFR"] = Alerts.Core.Context.StreetContextCalculator.Calculate(cifr, [earlier]),
        };

        var email = new DigestEmailComposer(TestLinks.Create(_time), TestLinks.Email()).Compose("sub-1", "ana@example.com", "digest-1", [cifr, nvda], contexts);

        var text = email.TextBody;
        var street = text.IndexOf("The street on CIFR", StringComparison.Ordinal);
        Assert.True(street > text.IndexOf("JPMorgan upgrades CIFR", StringComparison.Ordinal) && street < text.IndexOf("== NVDA ==", StringComparison.Ordinal), text);
        Assert.Contains("Morgan Stanley", text[street..], StringComparison.Ordinal);
        Assert.DoesNotContain("The street on NVDA", text, StringComparison.Ordinal);
        Assert.Contains("The street on CIFR", email.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_CarriesManageUnsubscribeAndOneClickHeaders()
    {
        var email = Compose(TestChanges.CifrUpgrade());

        Assert.Equal(("digest", "digest-1", "ana@example.com"), (email.Category, email.Reference, email.To));
        Assert.Matches(@"^<https?://[^>]+/api/subscriptions/sub-1/unsubscribe\?token=[^>]+>$", email.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", email.Headers["List-Unsubscribe-Post"]);
        Assert.Contains("/api/subscriptions/sub-1/manage?token=", email.TextBody);
        Assert.Contains("/api/subscriptions/sub-1/manage?token=", email.HtmlBody);
    }

    [Fact]
    public void Compose_SenderGivenTextIsEscaped()
    {
        var email = Compose(TestChanges.CifrUpgrade() with { Firm = "<script>alert(1)</script>", Company = "A & B" });

        Assert.DoesNotContain("<script>", email.HtmlBody);
        Assert.Contains("&lt;script&gt;", email.HtmlBody);
        Assert.Contains("A &amp; B", email.HtmlBody);
    }

    [Fact]
    public void Compose_TickerWithoutCompany_TitledWithTheMastersName()
    {
        var email = new DigestEmailComposer(TestLinks.Create(_time), TestLinks.Email(), SecuritiesMaster.Default)
            .Compose("sub-1", "ana@example.com", "digest-1", [TestChanges.Bare(RatingAction.Downgrade, "NVDA")]);

        Assert.Contains("== NVDA (Nvidia) ==", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("Ticker: NVDA (Nvidia)", email.TextBody, StringComparison.Ordinal);
    }
}

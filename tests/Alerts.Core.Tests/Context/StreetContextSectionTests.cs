using System.Text;
using Alerts.Core.Context;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Context;

public class StreetContextSectionTests
{
    private static RatingChange Row(string firm, int daysAgo, string? toRating, decimal? fromTarget, decimal? toTarget, RatingAction action, string? fromRating = null) =>
        StreetRows.Row(firm, TimeSpan.FromDays(daysAgo), toRating, toTarget, action, fromRating: fromRating, fromTarget: fromTarget);

    private static StreetContext Context(params RatingChange[] history) => StreetContextCalculator.Calculate(TestChanges.CifrUpgrade(), history);

    private static string Text(StreetContext context) => StreetContextSection.AppendText(new StringBuilder(), context).ToString();

    private static string Html(StreetContext context) => StreetContextSection.AppendHtml(new StringBuilder(), context).ToString();

    [Fact]
    public void AppendText_History_ListsTheTableTheLevelsTheTargetsAndThisFirm()
    {
        var context = Context(
            Row("Morgan Stanley", 4, "Equal Weight", 20m, 15m, RatingAction.Downgrade, fromRating: "Overweight"),
            Row("UBS", 10, "Buy", null, 30m, RatingAction.Initiate),
            Row("Citi", 20, "Buy", 25m, 25m, RatingAction.Reiterate, fromRating: "Buy"));

        var text = Text(context);

        Assert.Equal(
            """
            The street on CIFR
            The 90 days before this call (3 Sep to 2 Dec 2025)
            28 Nov · Morgan Stanley · downgrade · Overweight -> Equal Weight · $20 -> $15
            22 Nov · UBS · initiate · Buy · $30
            12 Nov · Citi · reiterate · Buy · $25
            Ratings of the 4 firms (each firm's latest, this one included): strong buy 0, buy 3, hold 1, sell 0, strong sell 0.
            Price targets (USD, 4 firms): mean $22, median $21.50, from $15 to $30.
            JPMorgan's $18 is 16.3% below the median, 3rd highest of 4.

            """.ReplaceLineEndings(),
            text.ReplaceLineEndings());
    }

    [Fact]
    public void AppendText_NoHistory_SaysSo()
    {
        var text = Text(Context());

        Assert.Contains("No other actions on CIFR in these 90 days.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ratings of", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendText_MoreThanTenActions_ShowsTenAndCountsTheRest()
    {
        var rows = Enumerable.Range(1, 13).Select(i => Row($"Firm {i}", i, "Hold", null, 10m + i, RatingAction.Reiterate)).ToArray();

        var text = Text(Context(rows));

        Assert.Contains("Firm 10 ·", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Firm 11 ·", text, StringComparison.Ordinal);
        Assert.Contains("and 3 more.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendText_UnknownRatingsOtherCurrenciesAndTies_AreSaid()
    {
        var rows = new[]
        {
            Row("UBS", 1, "Sector Jumper", null, 18m, RatingAction.Reiterate),
            Row("RBC", 2, "Outperform", null, 30m, RatingAction.Reiterate) with { Currency = "CAD" },
            Row("Citi", 3, "Sell", null, 10m, RatingAction.Reiterate),
        };

        var text = Text(Context(rows));

        Assert.Contains("strong sell 0, unknown 1.", text, StringComparison.Ordinal);
        Assert.Contains("(1 target in another currency not counted)", text, StringComparison.Ordinal);
        Assert.Contains("JPMorgan's $18 is at the median, tied highest of 3.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendText_Truncated_SaysHowFarItCounted()
    {
        var context = StreetContextCalculator.Calculate(TestChanges.CifrUpgrade(), [Row("UBS", 1, "Buy", null, 30m, RatingAction.Reiterate)], truncated: true);

        Assert.Contains("Counted from the latest 500 stored actions only: there were more.", Text(context), StringComparison.Ordinal);
    }

    [Fact]
    public void AppendHtmlAndText_SameContextAgain_SameParts_AnotherContextItsOwn()
    {
        var context = Context(Row("UBS", 1, "Buy", null, 30m, RatingAction.Reiterate));

        var first = Html(context) + Text(context);
        var again = Html(context) + Text(context);
        var other = Text(context with { Ticker = "NVDA" });

        Assert.Equal(first, again);
        Assert.Contains("The street on NVDA", other, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendText_LowestTarget_IsSaidSo()
    {
        var text = Text(Context(Row("UBS", 1, "Buy", null, 30m, RatingAction.Reiterate), Row("Citi", 2, "Buy", null, 40m, RatingAction.Reiterate)));

        Assert.Contains("JPMorgan's $18 is 40% below the median, lowest of 3.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendHtml_FirmsAndRatingWords_AreEscaped()
    {
        var html = Html(Context(Row("Evil <script>alert(1)</script> & Co", 1, "<img src=x onerror=alert(2)>", null, 20m, RatingAction.Reiterate)));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co", html, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendHtml_History_IsATableWithAHeaderAndOneRowPerAction()
    {
        var html = Html(Context(Row("UBS", 1, "Buy", null, 20m, RatingAction.Reiterate), Row("Citi", 2, "Hold", null, 15m, RatingAction.Downgrade)));

        Assert.Contains("<th scope=\"col\"", html, StringComparison.Ordinal);
        Assert.Equal(3, html.Split("<tr>").Length - 1);
        Assert.Contains(">Citi</td>", html, StringComparison.Ordinal);
        Assert.Contains("max-width:600px", html, StringComparison.Ordinal);
        Assert.Contains("Price targets (USD, 3 firms)", html, StringComparison.Ordinal);
    }
}

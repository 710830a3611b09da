using System.Xml.Linq;
using Alerts.Api.Pages;
using Alerts.Core.Ratings;
using Alerts.Core.TickerPages;

namespace Alerts.Functions.Tests;

/// <summary>The ticker page's HTML and SVG as written: every sender-given string escaped, no script, no inline style.</summary>
public sealed class TickerPageRenderTests
{
    private static readonly DateTimeOffset Now = new(2025, 12, 2, 13, 30, 0, TimeSpan.Zero);

    private static RatingChange Change(string id, string firm, int daysAgo, decimal? target, string? company = null) => new()
    {
        Id = id,
        Ticker = "CIFR",
        Company = company,
        Firm = firm,
        Action = RatingAction.Initiate,
        ToRating = "Buy <b>now</b>",
        ToLevel = RatingLevel.Buy,
        ToTarget = target,
        Currency = "USD",
        PublishedAt = Now.AddDays(-daysAgo),
        ReceivedAt = Now.AddDays(-daysAgo),
    };

    [Fact]
    public void Html_HostileNames_EscapedAndNoScriptOrInlineStyle()
    {
        var model = TickerPageBuilder.Build(
            "CIFR",
            [Change("a", "<script>alert(1)</script>", 3, 10m, company: "Cipher \"Mining\" & <i>Co</i>"), Change("b", "UBS' \"Firm\"", 10, 12m), Change("c", "Citi", 20, null)],
            Now);

        var html = TickerPage.Html(model, string.Empty);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<i>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);

        // The SVG is well-formed XML with one mark per change with a target.
        var start = html.IndexOf("<svg id=\"targets\"", StringComparison.Ordinal);
        var svg = XElement.Parse(html[start..(html.IndexOf("</svg>", start, StringComparison.Ordinal) + "</svg>".Length)]);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(2, svg.Descendants(ns + "circle").Count(c => ((string?)c.Attribute("class"))?.Split(' ').Contains("mark") == true));
    }

    [Theory]
    [InlineData(10, 20)]
    [InlineData(18, 18)]
    [InlineData(0.5, 0.9)]
    [InlineData(1200, 4100)]
    public void Scale_AnyRange_RoundStepsCoveringIt(double low, double high)
    {
        var (min, max, step) = TickerPage.Scale((decimal)low, (decimal)high);

        Assert.True(min <= (decimal)low && max >= (decimal)high, $"{min}..{max} does not cover {low}..{high}");
        Assert.True(step > 0 && (max - min) / step is >= 2 and <= 8, $"{(max - min) / step} steps of {step}");
        Assert.Equal(0, min % step);
    }
}

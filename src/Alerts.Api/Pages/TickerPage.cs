using System.Globalization;
using System.Text;
using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Ratings;
using Alerts.Core.TickerPages;
using Microsoft.AspNetCore.Http;

namespace Alerts.Api.Pages;

/// <summary>
/// The ticker's page (<c>GET /t/{ticker}</c>): a <see cref="TickerPageModel"/> written as HTML with the chart as
/// server-rendered SVG. Nothing runs in the browser: the table, the chart and the distribution are all in the HTML, so the
/// page works with scripts off and its Content-Security-Policy allows no script at all. Colours and layout come from
/// <c>Assets/ticker.css</c> (no inline style); the SVG uses presentation attributes for geometry only. Every string is
/// HTML-escaped. Public data only: no subscriber's anything.
/// </summary>
internal static class TickerPage
{
    /// <summary>No script at all; the style sheet from our own origin; the SVG is inline markup, not a loaded image.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>How many firm colours the style sheet defines (<c>.s0</c> to <c>.s7</c>); more firms reuse them in turn.</summary>
    public const int Colours = 8;

    private const int Width = 720;
    private const int Height = 320;
    private const int Left = 60;
    private const int Right = 20;
    private const int Top = 14;
    private const int Bottom = 34;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IResult Render(TickerPageModel model, string pathBase) =>
        new SecureHtmlResult(Html(model, pathBase), ContentSecurityPolicy);

    /// <summary>A 400 or 404 page in the same layout.</summary>
    public static IResult Problem(int statusCode, string title, string message, string pathBase) =>
        new SecureHtmlResult(Layout(title, $"<h1>{E(title)}</h1><p>{E(message)}</p>", pathBase), ContentSecurityPolicy, statusCode);

    internal static string Html(TickerPageModel model, string pathBase)
    {
        var title = model.Company is null ? model.Ticker : $"{model.Ticker} ({model.Company})";
        var body = new StringBuilder(16384);
        body.Append("<h1>").Append(E(title)).Append("</h1>")
            .Append("<p class=\"lead\">Analysts' rating changes and price targets on ").Append(E(model.Ticker))
            .Append(" stored by Alerts from ").Append(E(Date(model.From))).Append(" to ").Append(E(Date(model.Until)))
            .Append(": the last ").Append((int)TickerPageBuilder.HistoryWindow.TotalDays / 365).Append(" years, at most ")
            .Append(TickerPageBuilder.MaxChanges).Append(" changes.</p>");
        if (model.Truncated)
        {
            body.Append("<p class=\"note\">There were more changes than that: only the newest ").Append(TickerPageBuilder.MaxChanges).Append(" are shown.</p>");
        }

        AppendChart(body, model);
        AppendStreet(body, model);
        AppendTable(body, model);
        return Layout(title, body.ToString(), pathBase);
    }

    private static string Layout(string title, string bodyHtml, string pathBase) =>
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\">" +
        "<link rel=\"icon\" href=\"data:,\">" +
        $"<title>{E(title)} - Alerts</title>" +
        $"<link rel=\"stylesheet\" href=\"{E(StaticAssets.Url(pathBase, StaticAssets.TickerStyles))}\">" +
        $"</head><body><main id=\"ticker\">{bodyHtml}</main></body></html>";

    private static void AppendChart(StringBuilder html, TickerPageModel model)
    {
        html.Append("<section aria-labelledby=\"chart-title\"><h2 id=\"chart-title\">Price targets over time</h2>");
        var points = model.Series.SelectMany(s => s.Points).ToList();
        if (model.Currency is not { } currency || points.Count == 0)
        {
            html.Append("<p>No price targets in this period.</p></section>");
            return;
        }

        var times = points.Select(p => p.At).Concat(model.Street.Select(s => s.At)).ToList();
        var (tMin, tMax) = (times.Min(), times.Max());
        if (tMax - tMin < TimeSpan.FromDays(2))
        {
            (tMin, tMax) = (tMin - TimeSpan.FromDays(7), tMax + TimeSpan.FromDays(7));
        }

        var values = points.Select(p => p.Target).Concat(model.Street.SelectMany(s => new[] { s.Low, s.High })).ToList();
        var (vMin, vMax, step) = Scale(values.Min(), values.Max());
        double X(DateTimeOffset at) => Left + ((at - tMin).TotalSeconds / (tMax - tMin).TotalSeconds * (Width - Left - Right));
        double Y(decimal value) => Top + ((double)((vMax - value) / (vMax - vMin)) * (Height - Top - Bottom));

        var description = $"{points.Count} price {(points.Count == 1 ? "target" : "targets")} in {currency} from {model.Series.Count} {(model.Series.Count == 1 ? "firm" : "firms")}, "
            + $"{Date(tMin)} to {Date(tMax)}, with the street's mean, high and low.";
        html.Append("<figure class=\"chart\"><svg id=\"targets\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height)
            .Append("\" role=\"img\" aria-labelledby=\"chart-svg-title chart-svg-desc\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"chart-svg-title\">Price targets on ").Append(E(model.Ticker)).Append("</title>")
            .Append("<desc id=\"chart-svg-desc\">").Append(E(description)).Append("</desc>");

        // The value grid and its labels.
        for (var v = vMin; v <= vMax; v += step)
        {
            var y = F(Y(v));
            html.Append("<line class=\"grid\" x1=\"").Append(Left).Append("\" x2=\"").Append(Width - Right).Append("\" y1=\"").Append(y).Append("\" y2=\"").Append(y).Append("\"/>")
                .Append("<text class=\"axis\" x=\"").Append(Left - 6).Append("\" y=\"").Append(y).Append("\" text-anchor=\"end\" dominant-baseline=\"middle\">")
                .Append(E(ChangeDescription.Money(v, currency))).Append("</text>");
        }

        // Four dates along the bottom.
        var yearly = tMax - tMin > TimeSpan.FromDays(120);
        for (var i = 0; i <= 3; i++)
        {
            var at = tMin + ((tMax - tMin) * i / 3);
            var anchor = i == 0 ? "start" : i == 3 ? "end" : "middle";
            html.Append("<text class=\"axis\" x=\"").Append(F(X(at))).Append("\" y=\"").Append(Height - 10).Append("\" text-anchor=\"").Append(anchor).Append("\">")
                .Append(E(at.UtcDateTime.ToString(yearly ? "MMM yyyy" : "d MMM", Invariant))).Append("</text>");
        }

        // The street: a band from low to high and the mean, as steps (each stands until the next change).
        if (model.Street.Count > 0)
        {
            var high = Steps(model.Street, s => s.High, X, Y, tMax);
            var low = Steps(model.Street, s => s.Low, X, Y, tMax);
            var band = high.Concat(Enumerable.Reverse(low));
            html.Append("<polygon class=\"band\" points=\"").Append(string.Join(' ', band)).Append("\"/>")
                .Append("<polyline class=\"street high\" points=\"").Append(string.Join(' ', high)).Append("\"/>")
                .Append("<polyline class=\"street low\" points=\"").Append(string.Join(' ', low)).Append("\"/>")
                .Append("<polyline class=\"street mean\" points=\"").Append(string.Join(' ', Steps(model.Street, s => s.Mean, X, Y, tMax))).Append("\"/>");
        }

        // One line and one mark per change per firm.
        for (var k = 0; k < model.Series.Count; k++)
        {
            var series = model.Series[k];
            var colour = "s" + (k % Colours).ToString(Invariant);
            if (series.Points.Count > 1)
            {
                html.Append("<polyline class=\"line ").Append(colour).Append("\" points=\"")
                    .Append(string.Join(' ', series.Points.Select(p => F(X(p.At)) + "," + F(Y(p.Target))))).Append("\"/>");
            }

            foreach (var point in series.Points)
            {
                html.Append("<circle class=\"mark ").Append(colour).Append("\" cx=\"").Append(F(X(point.At))).Append("\" cy=\"").Append(F(Y(point.Target)))
                    .Append("\" r=\"5\" data-change=\"").Append(E(point.Change.Id)).Append("\"><title>")
                    .Append(E($"{series.Firm}, {Date(point.At)}: {ChangeDescription.Money(point.Target, currency)} ({ChangeDescription.ActionWords(point.Change.Action)})"))
                    .Append("</title></circle>");
            }
        }

        html.Append("</svg><figcaption><ul class=\"legend\">");
        for (var k = 0; k < model.Series.Count; k++)
        {
            var series = model.Series[k];
            html.Append("<li><span class=\"key s").Append(k % Colours).Append("\" aria-hidden=\"true\"></span>").Append(E(series.Firm))
                .Append(" <span class=\"muted\">").Append(E(ChangeDescription.Money(series.Points[^1].Target, currency))).Append("</span></li>");
        }

        html.Append("<li><span class=\"key mean\" aria-hidden=\"true\"></span>Street mean</li>")
            .Append("<li><span class=\"key band\" aria-hidden=\"true\"></span>Street high to low</li></ul>")
            .Append("<p class=\"muted\">Each dot is one change with a target in ").Append(E(currency))
            .Append(". The street is each firm's latest target over the ").Append((int)StreetContextCalculator.Window.TotalDays).Append(" days before each change.");
        if (model.OtherCurrencyTargets > 0)
        {
            html.Append(' ').Append(model.OtherCurrencyTargets).Append(model.OtherCurrencyTargets == 1 ? " target" : " targets").Append(" in another currency not charted.");
        }

        html.Append("</p></figcaption></figure></section>");
    }

    private static void AppendStreet(StringBuilder html, TickerPageModel model)
    {
        if (model.Now is not { } now)
        {
            return;
        }

        html.Append("<section aria-labelledby=\"street-title\"><h2 id=\"street-title\">The street now</h2>")
            .Append("<p class=\"muted\">Each firm's latest rating on the common scale, over the ").Append((int)StreetContextCalculator.Window.TotalDays)
            .Append(" days to ").Append(E(Date(now.Until))).Append(".</p>")
            .Append("<table class=\"levels\"><thead><tr><th scope=\"col\">Rating</th><th scope=\"col\">Firms</th><th scope=\"col\"><span class=\"visually-hidden\">Share</span></th></tr></thead><tbody>");
        var levels = RatingLevelCounts.Scale.Select(l => (Name: LevelName(l), Count: now.Levels[l], Class: l.ToString().ToLowerInvariant())).ToList();
        if (now.Levels.Unknown > 0)
        {
            levels.Add(("Unknown", now.Levels.Unknown, "unknown"));
        }

        var most = Math.Max(1, levels.Max(l => l.Count));
        foreach (var (name, count, css) in levels)
        {
            html.Append("<tr><th scope=\"row\">").Append(E(name)).Append("</th><td class=\"num\">").Append(count).Append("</td>")
                .Append("<td class=\"bar\"><svg viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\"><rect class=\"level ").Append(css)
                .Append("\" width=\"").Append(F(100.0 * count / most)).Append("\" height=\"10\"/></svg></td></tr>");
        }

        html.Append("</tbody></table>");
        if (now.Targets is { } t)
        {
            html.Append("<p>Price targets (").Append(E(t.Currency)).Append(", ").Append(t.Firms).Append(t.Firms == 1 ? " firm" : " firms").Append("): mean <strong>")
                .Append(E(ChangeDescription.Money(t.Mean, t.Currency))).Append("</strong>, median ").Append(E(ChangeDescription.Money(t.Median, t.Currency)))
                .Append(", low ").Append(E(ChangeDescription.Money(t.Low, t.Currency))).Append(", high ").Append(E(ChangeDescription.Money(t.High, t.Currency))).Append(".</p>");
        }

        html.Append("</section>");
    }

    private static void AppendTable(StringBuilder html, TickerPageModel model)
    {
        html.Append("<section aria-labelledby=\"changes-title\"><h2 id=\"changes-title\">Rating changes, newest first</h2>")
            .Append("<div class=\"scroll\"><table id=\"changes\" class=\"changes\"><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Firm</th>")
            .Append("<th scope=\"col\">Action</th><th scope=\"col\">Rating</th><th scope=\"col\">Target</th></tr></thead><tbody>");
        foreach (var change in model.Changes)
        {
            // data-label: the column's name, shown beside each cell where a phone stacks the cells of a row.
            html.Append("<tr><td class=\"date\" data-label=\"Date\"><time datetime=\"").Append(E(change.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd", Invariant))).Append("\">")
                .Append(E(Date(change.PublishedAt))).Append("</time></td><td data-label=\"Firm\">").Append(E(change.Firm)).Append("</td><td data-label=\"Action\">")
                .Append(E(ChangeDescription.ActionWords(change.Action))).Append("</td><td data-label=\"Rating\">").Append(E(ChangeDescription.Ratings(change) ?? string.Empty))
                .Append("</td><td data-label=\"Target\">").Append(E(ChangeDescription.TargetMoveShort(change) ?? string.Empty)).Append("</td></tr>");
        }

        html.Append("</tbody></table></div></section>");
    }

    /// <summary>The step line of a street figure: each value holds from its change until the next (the last until the end).</summary>
    private static List<string> Steps(IReadOnlyList<StreetPoint> street, Func<StreetPoint, decimal> value, Func<DateTimeOffset, double> x, Func<decimal, double> y, DateTimeOffset end)
    {
        var points = new List<string>(street.Count * 2);
        for (var i = 0; i < street.Count; i++)
        {
            var v = F(y(value(street[i])));
            points.Add(F(x(street[i].At)) + "," + v);
            points.Add(F(x(i + 1 < street.Count ? street[i + 1].At : end)) + "," + v);
        }

        return points;
    }

    /// <summary>An axis from a round number below the lowest value to one above the highest, in 3 to 6 round steps.</summary>
    internal static (decimal Min, decimal Max, decimal Step) Scale(decimal low, decimal high)
    {
        var span = high - low;
        if (span <= 0)
        {
            span = Math.Max(Math.Abs(high) * 0.2m, 1m);
        }

        var raw = (double)span / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = (decimal)(new[] { 1.0, 2.0, 2.5, 5.0, 10.0 }.First(m => m * magnitude >= raw) * magnitude);
        var min = Math.Floor(low / step) * step;
        var max = Math.Ceiling(high / step) * step;
        if (max == min)
        {
            (min, max) = (min - step, max + step);
        }

        if (min < 0 && low >= 0)
        {
            min = 0;
        }

        return (min, max, step);
    }

    private static string LevelName(RatingLevel level) => level switch
    {
        RatingLevel.StrongBuy => "Strong buy",
        RatingLevel.Buy => "Buy",
        RatingLevel.Hold => "Hold",
        RatingLevel.Sell => "Sell",
        RatingLevel.StrongSell => "Strong sell",
        _ => "Unknown",
    };

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy", Invariant);

    private static string F(double value) => value.ToString("0.#", Invariant);

    private static string E(string value) => HtmlPage.Encode(value);
}

using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Alerts.Core.Delivery;
using Alerts.Core.Ratings;

namespace Alerts.Core.Context;

/// <summary>
/// Writes a <see cref="StreetContext"/> into an email, the same facts in the HTML and the plain-text part: the other
/// recent actions (at most <see cref="MaxRows"/>, then "and N more"), the firms at each level, the consensus target and
/// this firm's against it. Used by the alert email, and usable once per ticker by a digest. Every string is HTML-escaped.
/// Both parts are written once per context object and kept with it (all the recipients of a change share one context).
/// </summary>
public static class StreetContextSection
{
    /// <summary>The most recent actions listed; the rest are counted.</summary>
    public const int MaxRows = StreetContext.MaxRecent;

    /// <summary>The parts already written, per context object, for as long as the context lives.</summary>
    private static readonly ConditionalWeakTable<StreetContext, Written> Parts = [];

    public static StringBuilder AppendHtml(StringBuilder html, StreetContext context)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(context);
        return html.Append(Parts.GetValue(context, Write).Html);
    }

    public static StringBuilder AppendText(StringBuilder text, StreetContext context)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(context);
        return text.Append(Parts.GetValue(context, Write).Text);
    }

    private static Written Write(StreetContext context)
    {
        var said = Say(context);
        return new Written(WriteHtml(new StringBuilder(4096), said).ToString(), WriteText(new StringBuilder(1024), said).ToString());
    }

    private static StringBuilder WriteHtml(StringBuilder html, Said said)
    {
        html.Append("<div style=\"margin:1.5em 0\">");
        if (said.Notable.Count > 0)
        {
            html.Append("<h2 style=\"font-size:1.05em;margin:0 0 .2em\">").Append(NotableHeading).Append("</h2><ul style=\"margin:0 0 1em;padding-left:1.2em\">");
            foreach (var line in said.Notable)
            {
                html.Append("<li>").Append(Html(line)).Append("</li>");
            }

            html.Append("</ul>");
        }

        html.Append("<h2 style=\"font-size:1.05em;margin:0 0 .2em\">").Append(Html(said.Heading)).Append("</h2>")
            .Append("<p style=\"margin:0 0 .6em;color:#555;font-size:.9em\">").Append(Html(said.Window)).Append("</p>");
        if (said.Rows.Count > 0)
        {
            const string Cell = "padding:4px 5px;border-bottom:1px solid #e5e5e5;vertical-align:top;text-align:left";
            html.Append("<table style=\"border-collapse:collapse;width:100%;max-width:600px;font-size:.9em\"><thead><tr>");
            foreach (var column in Columns)
            {
                html.Append("<th scope=\"col\" style=\"").Append(Cell).Append(";border-bottom-color:#bbb\">").Append(column).Append("</th>");
            }

            html.Append("</tr></thead><tbody>");
            foreach (var row in said.Rows)
            {
                html.Append("<tr>");
                for (var i = 0; i < row.Length; i++)
                {
                    html.Append("<td style=\"").Append(Cell).Append(i == 0 ? ";white-space:nowrap\">" : "\">").Append(Html(row[i])).Append("</td>");
                }

                html.Append("</tr>");
            }

            html.Append("</tbody></table>");
        }

        foreach (var sentence in said.Sentences)
        {
            html.Append("<p style=\"margin:.5em 0\">").Append(Html(sentence)).Append("</p>");
        }

        return html.Append("</div>");
    }

    private static StringBuilder WriteText(StringBuilder text, Said said)
    {
        if (said.Notable.Count > 0)
        {
            text.AppendLine(NotableHeading);
            foreach (var line in said.Notable)
            {
                text.Append("- ").AppendLine(line);
            }

            text.AppendLine();
        }

        text.AppendLine(said.Heading).AppendLine(said.Window);
        foreach (var row in said.Rows)
        {
            text.AppendLine(string.Join(" · ", row.Where(cell => cell.Length > 0)));
        }

        foreach (var sentence in said.Sentences)
        {
            text.AppendLine(sentence);
        }

        return text;
    }

    /// <summary>The heading over the <see cref="NotableCalls"/> lines.</summary>
    public const string NotableHeading = "Why this call stands out";

    private static readonly string[] Columns = ["Date", "Firm", "Action", "Rating", "Target"];

    private static Said Say(StreetContext context)
    {
        var days = (int)Math.Round((context.Until - context.From).TotalDays);
        var window = $"The {days} days before this call ({Day(context.From)} to {Day(context.Until)} {context.Until.UtcDateTime.Year})";
        var rows = context.Recent.Take(MaxRows).Select(Row).ToList();
        var sentences = new List<string>();
        if (context.RecentCount == 0)
        {
            sentences.Add($"No other actions on {context.Ticker} in these {days} days.");
            return new Said($"The street on {context.Ticker}", window, rows, sentences, Notable(context));
        }

        if (context.RecentCount > rows.Count)
        {
            sentences.Add($"and {context.RecentCount - rows.Count} more.");
        }

        sentences.Add(Levels(context.Levels));
        sentences.Add(Targets(context));
        if (context.ThisFirm is { Of: > 1 } standing && context.Targets is { } consensus)
        {
            sentences.Add(Standing(standing, consensus));
        }

        if (context.Truncated)
        {
            sentences.Add($"Counted from the latest {StreetContextReader.MaxRows} stored actions only: there were more.");
        }

        return new Said($"The street on {context.Ticker}", window, rows, sentences, Notable(context));
    }

    private static string[] Row(RatingChange change) =>
    [
        Day(change.PublishedAt),
        change.Firm,
        ChangeDescription.ActionWords(change.Action),
        change.FromRating is { } from && change.ToRating is { } to && RatingScale.Key(from) == RatingScale.Key(to)
            ? to
            : ChangeDescription.Ratings(change) ?? string.Empty,
        ChangeDescription.TargetMoveShort(change) ?? string.Empty,
    ];

    private static string Levels(RatingLevelCounts levels)
    {
        var parts = RatingLevelCounts.Scale.Select(level => $"{LevelName(level)} {levels[level]}").ToList();
        if (levels.Unknown > 0)
        {
            parts.Add($"unknown {levels.Unknown}");
        }

        return $"Ratings of the {levels.Firms} {(levels.Firms == 1 ? "firm" : "firms")} (each firm's latest, this one included): {string.Join(", ", parts)}.";
    }

    private static string Targets(StreetContext context)
    {
        var others = context.OtherCurrencyTargets switch
        {
            0 => string.Empty,
            1 => " (1 target in another currency not counted)",
            var n => $" ({n} targets in other currencies not counted)",
        };
        if (context.Targets is not { } t)
        {
            return context.OtherCurrencyTargets == 0
                ? "No price targets."
                : $"No price targets in this call's currency ({context.OtherCurrencyTargets} in {(context.OtherCurrencyTargets == 1 ? "another" : "others")}).";
        }

        return t.Firms == 1
            ? $"Price target ({t.Currency}, 1 firm): {ChangeDescription.Money(t.Median, t.Currency)}{others}."
            : $"Price targets ({t.Currency}, {t.Firms} firms): mean {ChangeDescription.Money(t.Mean, t.Currency)}, median {ChangeDescription.Money(t.Median, t.Currency)}, "
              + $"from {ChangeDescription.Money(t.Low, t.Currency)} to {ChangeDescription.Money(t.High, t.Currency)}{others}.";
    }

    private static string Standing(TargetStanding standing, TargetConsensus consensus)
    {
        var target = $"{standing.Firm}'s {ChangeDescription.Money(standing.Target, consensus.Currency)}";
        var versus = standing.PctFromMedian switch
        {
            0 => "at the median",
            > 0 and var p => $"{Percent(p)} above the median",
            var p => $"{Percent(-p)} below the median",
        };
        var tied = standing.Tied ? "tied " : string.Empty;
        var rank = standing.Target == consensus.High ? $"{tied}highest"
            : standing.Target == consensus.Low ? $"{tied}lowest"
            : $"{tied}{Ordinal(standing.Rank)} highest";
        return $"{target} is {versus}, {rank} of {standing.Of}.";
    }

    private static string LevelName(RatingLevel level) => level switch
    {
        RatingLevel.StrongBuy => "strong buy",
        RatingLevel.Buy => "buy",
        RatingLevel.Hold => "hold",
        RatingLevel.Sell => "sell",
        RatingLevel.StrongSell => "strong sell",
        _ => "unknown",
    };

    private static string Ordinal(int n) => n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch
    {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    });

    private static string Percent(decimal pct) => pct.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM", CultureInfo.InvariantCulture);

    private static string Html(string value) => WebUtility.HtmlEncode(value);

    private sealed record Written(string Html, string Text);

    private static List<string> Notable(StreetContext context) => context.Notable.Select(n => n.Line).ToList();

    private sealed record Said(string Heading, string Window, IReadOnlyList<string[]> Rows, IReadOnlyList<string> Sentences, IReadOnlyList<string> Notable);
}

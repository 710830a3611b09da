using System.Net;
using System.Text;

namespace Alerts.Core.Delivery;

/// <summary>
/// The pieces every email to a subscriber shares (alert and digest alike): the page head, a change's facts as text and
/// as a table, the manage and unsubscribe footer, and the RFC 8058 one-click unsubscribe headers.
/// Every string passed in is HTML-escaped here.
/// </summary>
internal static class EmailParts
{
    public static string Html(string value) => WebUtility.HtmlEncode(value);

    /// <summary>The opening of an HTML email up to and including its <c>h1</c>.</summary>
    public static StringBuilder StartHtml(string title) => new StringBuilder()
        .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>")
        .Append(Html(title))
        .Append("</title></head><body style=\"font-family:system-ui,sans-serif;line-height:1.4;color:#111\">")
        .Append("<h1 style=\"font-size:1.2em\">").Append(Html(title)).Append("</h1>");

    public static void AppendFactsText(StringBuilder text, IEnumerable<(string Label, string Value)> facts)
    {
        foreach (var (label, value) in facts)
        {
            text.Append(label).Append(": ").AppendLine(value);
        }
    }

    public static void AppendFactsHtml(StringBuilder html, IEnumerable<(string Label, string Value)> facts)
    {
        html.Append("<table role=\"presentation\" style=\"border-collapse:collapse\">");
        foreach (var (label, value) in facts)
        {
            html.Append("<tr><th scope=\"row\" style=\"text-align:left;padding:2px 12px 2px 0\">").Append(Html(label))
                .Append("</th><td>").Append(Html(value)).Append("</td></tr>");
        }

        html.Append("</table>");
    }

    /// <summary>"Read the story", when the change has a link.</summary>
    public static void AppendStoryLink(StringBuilder html, string? url)
    {
        if (url is not null)
        {
            html.Append("<p><a href=\"").Append(Html(url)).Append("\">Read the story</a></p>");
        }
    }

    /// <summary>The link to the ticker's page: its changes, the chart of targets and the street now.</summary>
    public static void AppendTickerLinkHtml(StringBuilder html, string ticker, string url) =>
        html.Append("<p><a href=\"").Append(Html(url)).Append("\">").Append(Html(ticker)).Append(": all ratings and the chart of price targets</a></p>");

    public static void AppendTickerLinkText(StringBuilder text, string ticker, string url) =>
        text.Append(ticker).Append(": all ratings and the chart of price targets: ").AppendLine(url);

    public static void AppendFooterText(StringBuilder text, string manage, string unsubscribe) =>
        text.AppendLine()
            .Append("Manage your alerts: ").AppendLine(manage)
            .Append("Unsubscribe: ").AppendLine(unsubscribe);

    /// <summary>The footer, then the end of the document.</summary>
    public static void EndHtml(StringBuilder html, string manage, string unsubscribe) =>
        html.Append("<p style=\"font-size:.9em;color:#555\"><a href=\"").Append(Html(manage)).Append("\">Manage your alerts</a> · ")
            .Append("<a href=\"").Append(Html(unsubscribe)).Append("\">Unsubscribe</a></p></body></html>");

    /// <summary><c>List-Unsubscribe</c> and <c>List-Unsubscribe-Post</c> (RFC 8058 one-click).</summary>
    public static Dictionary<string, string> UnsubscribeHeaders(string unsubscribe) => new()
    {
        ["List-Unsubscribe"] = $"<{unsubscribe}>",
        ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
    };
}

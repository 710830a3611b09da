using System.Globalization;
using System.Text;
using Alerts.Core.Context;
using Alerts.Core.Ratings;
using Alerts.Core.Securities;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Delivery;

/// <summary>
/// Writes a digest: the changes held for one subscriber in one email, grouped by ticker (tickers in alphabetical order,
/// each ticker's changes newest first, each with its headline and facts as in the alert email, then the ticker's street
/// context when given), with the same manage and unsubscribe links and RFC 8058 headers as an alert email.
/// </summary>
public sealed class DigestEmailComposer(Links links, IOptions<EmailOptions> options, SecuritiesMaster? securities = null)
{
    public const string Category = "digest";

    /// <param name="digestId">The digest's id (see <see cref="Digests.DigestBatch"/>), the email's reference.</param>
    /// <param name="contexts">The street's context by ticker (as of the ticker's newest change here); a ticker without one has no section.</param>
    public EmailMessage Compose(
        string subscriptionId,
        string email,
        string digestId,
        IReadOnlyCollection<RatingChange> changes,
        IReadOnlyDictionary<string, StreetContext>? contexts = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var groups = changes
            .GroupBy(c => c.Ticker, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Ticker: g.Key, Changes: (IReadOnlyList<RatingChange>)g.OrderByDescending(c => c.PublishedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList()))
            .ToList();
        var subject = Subject(changes.Count, groups.Count);
        var manage = links.Manage(subscriptionId);
        var unsubscribe = links.Unsubscribe(subscriptionId);

        var text = new StringBuilder().AppendLine(subject);
        var html = EmailParts.StartHtml(subject);
        foreach (var (ticker, tickerChanges) in groups)
        {
            var company = tickerChanges.Select(c => ChangeDescription.CompanyOf(c, securities)).FirstOrDefault(c => c is not null);
            var title = company is null ? ticker : $"{ticker} ({company})";
            text.AppendLine().Append("== ").Append(title).AppendLine(" ==");
            html.Append("<h2 style=\"font-size:1.1em;margin-top:1.5em\">").Append(EmailParts.Html(title)).Append("</h2>");
            foreach (var change in tickerChanges)
            {
                var headline = ChangeDescription.Headline(change);
                var facts = ChangeDescription.Facts(change, securities);
                text.AppendLine().AppendLine(headline);
                EmailParts.AppendFactsText(text, facts);
                html.Append("<h3 style=\"font-size:1em;margin-bottom:.3em\">").Append(EmailParts.Html(headline)).Append("</h3>");
                EmailParts.AppendFactsHtml(html, facts);
                EmailParts.AppendStoryLink(html, change.Url);
            }

            if (contexts?.GetValueOrDefault(ticker) is { } context)
            {
                StreetContextSection.AppendText(text.AppendLine(), context);
                StreetContextSection.AppendHtml(html, context);
            }

            var tickerPage = links.Ticker(ticker);
            EmailParts.AppendTickerLinkText(text.AppendLine(), ticker, tickerPage);
            EmailParts.AppendTickerLinkHtml(html, ticker, tickerPage);
        }

        EmailParts.AppendFooterText(text, manage, unsubscribe);
        EmailParts.EndHtml(html, manage, unsubscribe);

        return new EmailMessage
        {
            FromAddress = options.Value.From,
            FromName = options.Value.FromName,
            To = email,
            Subject = subject,
            HtmlBody = html.ToString(),
            TextBody = text.ToString(),
            Headers = EmailParts.UnsubscribeHeaders(unsubscribe),
            Category = Category,
            Reference = digestId,
        };
    }

    /// <summary>"Alerts digest: 5 changes on 3 tickers".</summary>
    public static string Subject(int changes, int tickers) =>
        string.Create(CultureInfo.InvariantCulture, $"Alerts digest: {changes} {(changes == 1 ? "change" : "changes")} on {tickers} {(tickers == 1 ? "ticker" : "tickers")}");
}

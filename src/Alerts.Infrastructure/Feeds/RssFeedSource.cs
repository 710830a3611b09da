using System.Net;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Alerts.Core;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// An RSS 2.0 (or 1.0) or Atom news feed at <c>Url</c>. The title and description of every item newer than the cursor
/// go through the news text reader; what it finds carries the item's link and date and, as sender id, the item's guid
/// (Atom: id), so an item read again (edited, re-dated) is stored and alerted once. XML is read with DTDs prohibited and
/// no external resolution.
/// </summary>
internal sealed partial class RssFeedSource(FeedSourceOptions options, FeedHttp http, RequestBudget budget, INewsTextReader reader, ILogger<RssFeedSource> logger) : IFeedSource
{
    /// <summary>Characters of one item's text given to the reader at most.</summary>
    public const int MaxItemTextLength = 20_000;

    private const string Accept = "application/rss+xml, application/atom+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5";
    private static readonly XNamespace AtomNs = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace DcNs = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace ContentNs = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace RdfNs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Rss1Ns = "http://purl.org/rss/1.0/";

    public string Name { get; } = options.Name!;

    public async Task<FeedPoll> PollAsync(string? cursor, CancellationToken cancellationToken)
    {
        if (!budget.TryTake())
        {
            FeedLog.BudgetSpent(logger, Name, 1, budget.PerMinute, budget.PerDay);
            return new FeedPoll([], cursor, 0);
        }

        var uri = new Uri(options.Url!, UriKind.Absolute);
        var body = await http.GetAsync(uri, Accept, cancellationToken);
        var items = ReadItems(Load(body, uri));

        var last = RssCursor.Parse(cursor);
        if (last is null && cursor is not null)
        {
            FeedLog.UnreadableCursor(logger, Name, cursor);
        }
        var seenAtLast = new HashSet<string>(last?.Ids ?? [], StringComparer.Ordinal);
        var changes = new List<RatingChangeSubmission>();
        var skipped = 0;
        foreach (var item in items)
        {
            if (last is not null && item.Date is { } date && (date < last.At || date == last.At && seenAtLast.Contains(item.Id)))
            {
                continue;
            }

            if (item.Text.Length == 0)
            {
                continue;
            }

            IReadOnlyList<RatingChangeSubmission> found;
            try
            {
                found = reader.Read(item.Text, item.PublishedAt, item.Link, Name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                skipped++;
                LogReaderFailed(ex, Name, item.Id);
                continue;
            }

            for (var i = 0; i < found.Count; i++)
            {
                changes.Add(found[i] with
                {
                    SenderId = found.Count == 1 ? item.Id : $"{item.Id}#{i + 1}",
                    Source = Name,
                    Url = found[i].Url ?? item.Link,
                    PublishedAt = found[i].PublishedAt ?? item.PublishedAt,
                });
            }
        }

        return new FeedPoll(changes, NextCursor(last, items)?.Format() ?? cursor, skipped);
    }

    private static RssCursor? NextCursor(RssCursor? last, IReadOnlyList<FeedItem> items)
    {
        var newest = items.Where(i => i.Date is not null).Select(i => i.Date!.Value).DefaultIfEmpty().Max();
        if (newest == default || last is not null && newest < last.At)
        {
            return last;
        }

        var ids = items.Where(i => i.Date == newest).Select(i => i.Id);
        if (last is not null && newest == last.At)
        {
            ids = last.Ids.Concat(ids);
        }

        return new RssCursor(newest, ids.Distinct(StringComparer.Ordinal).TakeLast(RssCursor.MaxIds).ToList());
    }

    private XDocument Load(byte[] body, Uri uri)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = FeedHttp.MaxResponseBytes,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            using var xml = XmlReader.Create(stream, settings);
            return XDocument.Load(xml);
        }
        catch (XmlException ex)
        {
            throw new FeedFormatException($"{Name} ({uri.GetLeftPart(UriPartial.Path)}) answered invalid XML: {ex.Message}", ex);
        }
    }

    private IReadOnlyList<FeedItem> ReadItems(XDocument document)
    {
        var root = document.Root!;
        if (root.Name == AtomNs + "feed")
        {
            return root.Elements(AtomNs + "entry").Select(ReadAtomEntry).ToList();
        }

        if (root.Name.LocalName == "rss" || root.Name == RdfNs + "RDF")
        {
            // RSS 2.0 items sit in <channel>; RSS 1.0 items beside it. Either way, the item elements of the document.
            return root.Descendants().Where(e => e.Name.LocalName == "item").Select(ReadRssItem).ToList();
        }

        throw new FeedFormatException($"{Name} answered XML whose root <{root.Name.LocalName}> is neither an RSS <rss> nor an Atom <feed>");
    }

    private static FeedItem ReadRssItem(XElement item)
    {
        // RSS 2.0 elements have no namespace, RSS 1.0 ones its own; others (media:title...) are extensions.
        string? Child(string localName) => item.Elements()
            .FirstOrDefault(e => e.Name.LocalName == localName && (e.Name.Namespace == XNamespace.None || e.Name.Namespace == Rss1Ns))?.Value;

        var title = Child("title");
        var description = item.Element(ContentNs + "encoded")?.Value ?? Child("description");
        var link = Url(Child("link"));
        var dateText = Child("pubDate") ?? item.Element(DcNs + "date")?.Value;
        DateTimeOffset? date = FeedDates.TryParseFeedDate(dateText, out var parsed) ? parsed : null;
        var id = Clean(Child("guid")) ?? Clean(item.Attribute(RdfNs + "about")?.Value) ?? link ?? Ids.Digest(title + "|" + dateText, 32);
        return new FeedItem(ShortId(id), date, date, link, Text(title, description));
    }

    private static FeedItem ReadAtomEntry(XElement entry)
    {
        var title = entry.Element(AtomNs + "title")?.Value;
        var summary = entry.Element(AtomNs + "summary")?.Value ?? entry.Element(AtomNs + "content")?.Value;
        var link = Url(entry.Elements(AtomNs + "link")
            .FirstOrDefault(l => (string?)l.Attribute("rel") is null or "alternate")?.Attribute("href")?.Value);
        DateTimeOffset? updated = FeedDates.TryParseFeedDate(entry.Element(AtomNs + "updated")?.Value, out var u) ? u : null;
        DateTimeOffset? published = FeedDates.TryParseFeedDate(entry.Element(AtomNs + "published")?.Value, out var p) ? p : null;
        var id = Clean(entry.Element(AtomNs + "id")?.Value) ?? link ?? Ids.Digest(title + "|" + (updated ?? published), 32);
        return new FeedItem(ShortId(id), updated ?? published, published ?? updated, link, Text(title, summary));
    }

    /// <summary>The headline and its summary as plain text, paragraphs apart, HTML tags and entities undone.</summary>
    private static string Text(string? title, string? summary)
    {
        var text = string.Join("\n\n", new[] { PlainText(title), PlainText(summary) }.Where(t => t.Length > 0));
        return text.Length <= MaxItemTextLength ? text : text[..MaxItemTextLength];
    }

    private static string PlainText(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return string.Empty;
        }

        var text = ScriptOrStyle().Replace(html, " ");
        text = Tag().Replace(text, " ");
        text = WebUtility.HtmlDecode(text);
        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static string? Url(string? value) =>
        Clean(value) is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? url
            : null;

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Ids are kept as the sender gave them up to 180 characters; longer ones (long URLs) as their digest.</summary>
    private static string ShortId(string id) => id.Length <= 180 ? id : "sha256:" + Ids.Digest(id, 64);

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Source}: the news text reader failed on item {ItemId}; the item is skipped")]
    private partial void LogReaderFailed(Exception exception, string source, string itemId);

    /// <summary>One item: its id, the date that moves the cursor, the date its changes were published, its link, its text.</summary>
    private sealed record FeedItem(string Id, DateTimeOffset? Date, DateTimeOffset? PublishedAt, string? Link, string Text);
}

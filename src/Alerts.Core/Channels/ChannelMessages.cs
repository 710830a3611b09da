using System.Text;
using System.Text.Json;
using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Ratings;

namespace Alerts.Core.Channels;

/// <summary>
/// The bodies Alerts posts to channels, in each receiver's own format:
/// <list type="bullet">
/// <item>webhook: <c>{"type": "alert", "id", "subscriptionId", "change": {a change as in the API}, "links": {"ticker", "manage"}}</c>
/// (plus <c>"notable"</c> lines when there are any), and <c>{"type": "url_verification", "challenge"}</c> before first use;</item>
/// <item>Slack incoming webhook: <c>text</c> (the notification's fallback) and Block Kit <c>blocks</c> (a section, the facts, the links);</item>
/// <item>Teams (incoming webhook or Workflows webhook): a <c>message</c> whose one attachment is an Adaptive Card.</item>
/// </list>
/// Pure: the same alert gives the same bytes.
/// </summary>
public static class ChannelMessages
{
    public static string WebhookVerification(string challenge) => Write(w =>
    {
        w.WriteString("type", "url_verification");
        w.WriteString("challenge", challenge);
    });

    public static string SlackVerification() =>
        Slack("Alerts is connected: rating-change alerts will be posted here.", [Section("Alerts is connected: rating-change alerts will be posted here.")]);

    public static string TeamsVerification() => Teams("Alerts is connected", ["Rating-change alerts will be posted here."], []);

    /// <summary>The body of an alert for <paramref name="type"/>.</summary>
    public static string Alert(ChannelType type, ChannelDelivery delivery, StreetContext? context, string tickerLink, string manageLink)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var change = delivery.Change;
        var notable = context?.Notable.Select(n => n.Line).ToList() ?? [];
        switch (type)
        {
            case ChannelType.Slack:
                var blocks = new List<Action<Utf8JsonWriter>> { Section($"*{Escape(ChangeDescription.Headline(change))}*") };
                var facts = Facts(change);
                if (facts.Count > 0)
                {
                    blocks.Add(Fields(facts.Select(f => $"*{Escape(f.Label)}*\n{Escape(f.Value)}").ToList()));
                }

                if (notable.Count > 0)
                {
                    blocks.Add(Section(string.Join('\n', notable.Select(n => "• " + Escape(n)))));
                }

                blocks.Add(Section($"<{tickerLink}|{Escape(change.Ticker)} history and chart> · <{manageLink}|Change or stop these alerts>"));
                return Slack(ChangeDescription.Headline(change), blocks);
            case ChannelType.Teams:
                var lines = Facts(change).Select(f => $"{f.Label}: {f.Value}").Concat(notable).ToList();
                return Teams(ChangeDescription.Headline(change), lines, [($"{change.Ticker} history and chart", tickerLink), ("Change or stop these alerts", manageLink)]);
            default:
                return Write(w =>
                {
                    w.WriteString("type", "alert");
                    w.WriteString("id", delivery.AlertId);
                    w.WriteString("subscriptionId", delivery.SubscriptionId);
                    w.WritePropertyName("change");
                    JsonSerializer.Serialize(w, change, ChannelJsonContext.Default.RatingChange);
                    if (notable.Count > 0)
                    {
                        w.WriteStartArray("notable");
                        foreach (var line in notable)
                        {
                            w.WriteStringValue(line);
                        }

                        w.WriteEndArray();
                    }

                    w.WriteStartObject("links");
                    w.WriteString("ticker", tickerLink);
                    w.WriteString("manage", manageLink);
                    w.WriteEndObject();
                });
        }
    }

    private static List<(string Label, string Value)> Facts(RatingChange change)
    {
        var facts = new List<(string, string)>();
        if (ChangeDescription.Ratings(change) is { } ratings)
        {
            facts.Add(("Rating", ratings));
        }

        if (ChangeDescription.Targets(change) is { } targets)
        {
            facts.Add(("Price target", targets));
        }

        facts.Add(("Published", ChangeDescription.Published(change)));
        return facts;
    }

    private static string Slack(string text, IReadOnlyList<Action<Utf8JsonWriter>> blocks) => Write(w =>
    {
        w.WriteString("text", text);
        w.WriteStartArray("blocks");
        foreach (var block in blocks)
        {
            block(w);
        }

        w.WriteEndArray();
    });

    private static Action<Utf8JsonWriter> Section(string markdown) => w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "section");
        w.WriteStartObject("text");
        w.WriteString("type", "mrkdwn");
        w.WriteString("text", markdown);
        w.WriteEndObject();
        w.WriteEndObject();
    };

    private static Action<Utf8JsonWriter> Fields(IReadOnlyList<string> fields) => w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "section");
        w.WriteStartArray("fields");
        foreach (var field in fields.Take(10))
        {
            w.WriteStartObject();
            w.WriteString("type", "mrkdwn");
            w.WriteString("text", field);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    };

    /// <summary>Slack's three control characters in text (its formatting guide asks for them escaped).</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Teams(string title, IReadOnlyList<string> lines, IReadOnlyList<(string Title, string Url)> links) => Write(w =>
    {
        w.WriteString("type", "message");
        w.WriteStartArray("attachments");
        w.WriteStartObject();
        w.WriteString("contentType", "application/vnd.microsoft.card.adaptive");
        w.WriteNull("contentUrl");
        w.WriteStartObject("content");
        w.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        w.WriteString("type", "AdaptiveCard");
        w.WriteString("version", "1.4");
        w.WriteStartArray("body");
        TextBlock(w, title, bold: true);
        foreach (var line in lines)
        {
            TextBlock(w, line, bold: false);
        }

        w.WriteEndArray();
        if (links.Count > 0)
        {
            w.WriteStartArray("actions");
            foreach (var (text, url) in links)
            {
                w.WriteStartObject();
                w.WriteString("type", "Action.OpenUrl");
                w.WriteString("title", text);
                w.WriteString("url", url);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    private static void TextBlock(Utf8JsonWriter w, string text, bool bold)
    {
        w.WriteStartObject();
        w.WriteString("type", "TextBlock");
        w.WriteString("text", text);
        w.WriteBoolean("wrap", true);
        if (bold)
        {
            w.WriteString("weight", "Bolder");
            w.WriteString("size", "Medium");
        }

        w.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

using System.Net;
using System.Text;

namespace Alerts.Core.Extraction;

/// <summary>
/// News from feeds often arrives as HTML ("&lt;p&gt;Johnson &amp;amp; Johnson ...&lt;/p&gt;"): tags become line breaks or
/// spaces and entities become characters, so that the extractor reads the words. Plain text passes through untouched.
/// </summary>
internal static class Markup
{
    public static string ToPlainText(string text)
    {
        var hasTags = text.Contains("</", StringComparison.Ordinal) || text.Contains("<br", StringComparison.OrdinalIgnoreCase)
            || text.Contains("<p>", StringComparison.OrdinalIgnoreCase) || text.Contains("<p ", StringComparison.OrdinalIgnoreCase);
        var hasEntities = text.Contains('&') && text.Contains(';');
        if (!hasTags && !hasEntities)
        {
            return text;
        }

        if (hasTags)
        {
            text = StripTags(text);
        }

        return text.Contains('&') ? WebUtility.HtmlDecode(text) : text;
    }

    private static string StripTags(string html)
    {
        var builder = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<' && i + 1 < html.Length && (char.IsLetter(html[i + 1]) || html[i + 1] is '/' or '!'))
            {
                var end = html.IndexOf('>', i + 1);
                if (end < 0)
                {
                    builder.Append(html, i, html.Length - i);
                    break;
                }

                // Block elements end a line (a headline per list item or paragraph); inline ones are a space.
                var name = html.AsSpan(i + 1, end - i - 1).TrimStart('/');
                var block = name.StartsWith("p", StringComparison.OrdinalIgnoreCase) || name.StartsWith("br", StringComparison.OrdinalIgnoreCase)
                    || name.StartsWith("li", StringComparison.OrdinalIgnoreCase) || name.StartsWith("div", StringComparison.OrdinalIgnoreCase)
                    || name.StartsWith("h", StringComparison.OrdinalIgnoreCase) || name.StartsWith("tr", StringComparison.OrdinalIgnoreCase);
                builder.Append(block ? "\n\n" : " ");
                i = end + 1;
                continue;
            }

            builder.Append(c);
            i++;
        }

        return builder.ToString();
    }
}

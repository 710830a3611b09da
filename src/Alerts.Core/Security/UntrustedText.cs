using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Alerts.Core.Security;

/// <summary>
/// The one home of the rules for text from outside (posted changes, news text, feeds, subscriptions, SendGrid's events):
/// JSON whose strings cannot be decoded is refused before it is read, and invisible formatting characters are removed
/// from every text value read.
/// </summary>
public static class UntrustedText
{
    /// <summary>
    /// True when <paramref name="utf8Json"/> is well-formed UTF-8 and none of its string escapes makes a lone or reversed
    /// surrogate (<c>"\ud800"</c>): what <see cref="JsonElement.GetString"/> would throw on. Text that is not JSON at all is
    /// left to the JSON parser to report (true here).
    /// </summary>
    public static bool IsDecodableJson(ReadOnlySpan<byte> utf8Json)
    {
        if (!Utf8.IsValid(utf8Json))
        {
            return false;
        }

        if (utf8Json.IndexOf("\\u"u8) < 0)
        {
            return true;
        }

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    _ = reader.GetString();
                }
            }
        }
        catch (JsonException)
        {
            return true; // not JSON: the parser names what is wrong
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// <paramref name="text"/> without invisible formatting characters (Unicode category Cf): the bidirectional embeddings,
    /// overrides and isolates (U+202A-202E, U+2066-2069), zero-width spaces and joiners and the direction marks
    /// (U+200B-200F), the word joiner (U+2060), the byte order mark (U+FEFF), the soft hyphen. They can make "raises"
    /// display as something else in a subject line and have no place in a ticker, a firm or a rating.
    /// </summary>
    public static string StripInvisible(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = IndexOfInvisible(text);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text.AsSpan(0, first));
        foreach (var c in text.AsSpan(first))
        {
            if (!IsInvisible(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The string value of <paramref name="element"/> without invisible formatting characters (see <see cref="StripInvisible"/>).</summary>
    public static string? GetString(JsonElement element)
    {
        var value = element.GetString();
        return value is null ? null : StripInvisible(value);
    }

    public static bool IsInvisible(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.Format;

    private static int IndexOfInvisible(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] >= '\u00AD' && IsInvisible(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}

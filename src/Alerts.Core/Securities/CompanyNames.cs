using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Alerts.Core.Securities;

/// <summary>
/// From a filed name ("BANK OF AMERICA CORP /DE/", "Meta Platforms, Inc.") to the names news uses: the look-up keys
/// (letters and digits, lower case, "&amp;" as "and"), the short names left when legal suffixes, "Holdings", "Group"
/// and share classes are taken off, and the name shown to people ("Bank of America", "Meta Platforms").
/// </summary>
internal static partial class CompanyNames
{
    /// <summary>Words a filed name may end with that news leaves out (keys, so "N.V." is "nv").</summary>
    private static readonly FrozenSet<string> TrailingWords = new[]
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "companies", "ltd", "limited", "plc", "llc", "lp", "llp",
        "public", "sa", "se", "ag", "nv", "bv", "spa", "ab", "asa", "as", "oyj", "bhd", "tbk", "kk", "holdings", "holding", "group",
        "new", "adr", "ads", "commonstock", "common", "stock", "ordinary", "shares", "class", "a", "b", "c", "the", "and",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The legal suffixes a displayed name drops ("Inc.", "Corp", "& Co"); "Holdings" and "Group" stay.</summary>
    private static readonly FrozenSet<string> LegalSuffixes = new[]
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "llc", "lp", "llp", "sa", "se", "ag",
        "public", "nv", "bv", "spa", "ab", "asa", "as", "oyj", "new", "adr", "ads",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Corporate suffixes a name key may end with, as <see cref="StripSuffixes"/> takes them off.</summary>
    private static readonly string[] KeySuffixes =
    [
        "incorporated", "corporation", "andcompany", "companies", "company", "limited", "andco", "corp", "inc", "ltd", "plc", "llc", "lp", "co",
        "sa", "se", "ag", "nv",
    ];

    /// <summary>Small words written in lower case inside a title-cased name.</summary>
    private static readonly FrozenSet<string> SmallWords = new[] { "of", "and", "the", "for", "in", "on", "at", "de", "la", "du", "des", "by", "to" }
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Letters and digits only, lower case, "&amp;" as "and".</summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c == '&')
            {
                builder.Append("and");
            }
            else if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>A name key without its corporate suffixes, as many as it ends with ("nioinc" -> "nio", "jpmorganchaseandco" -> "jpmorganchase").</summary>
    public static ReadOnlySpan<char> StripSuffixes(ReadOnlySpan<char> key)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var suffix in KeySuffixes)
            {
                if (key.Length > suffix.Length + 1 && key.EndsWith(suffix, StringComparison.Ordinal))
                {
                    key = key[..^suffix.Length];
                    changed = true;
                    break;
                }
            }
        }

        return key;
    }

    /// <summary>
    /// The keys a filed name is found under, longest first: "MARA Holdings, Inc." gives maraholdingsinc, maraholdings,
    /// mara. The last is the short name; it is one word when <paramref name="shortIsOneWord"/> says so.
    /// </summary>
    public static IReadOnlyList<string> Keys(string filedName, out bool shortIsOneWord)
    {
        var words = Words(filedName);
        var keys = new List<string>(4);
        if (words.Count > 1 && Key(words[0]) == "the")
        {
            keys.Add(string.Concat(words.Select(Key)));
            words.RemoveAt(0);
        }

        var wordKeys = words.Select(Key).ToList();
        var count = wordKeys.Count;
        while (true)
        {
            var key = string.Concat(wordKeys.Take(count));
            if (key.Length > 0 && (keys.Count == 0 || keys[^1] != key))
            {
                keys.Add(key);
            }

            // Keep at least one word; "Class A" goes as a pair.
            if (count <= 1 || !(TrailingWords.Contains(wordKeys[count - 1]) || wordKeys[count - 1].Length == 0))
            {
                break;
            }

            count--;
        }

        shortIsOneWord = count == 1;
        return keys;
    }

    /// <summary>"MICROSOFT CORP" -> "Microsoft"; "Meta Platforms, Inc." -> "Meta Platforms"; "JPMORGAN CHASE &amp; CO" -> "Jpmorgan Chase".</summary>
    public static string Display(string filedName)
    {
        var words = Words(filedName);
        while (words.Count > 1)
        {
            var last = Key(words[^1]);
            if (LegalSuffixes.Contains(last))
            {
                words.RemoveAt(words.Count - 1);
                if (words.Count > 1 && words[^1] == "&")
                {
                    words.RemoveAt(words.Count - 1);
                }

                continue;
            }

            break;
        }

        var text = string.Join(' ', words).TrimEnd(',', ' ', '-');
        return HasLower(text) ? text : TitleCase(text);
    }

    /// <summary>What a ticker and a filed name say the listing is: a preferred (CTA-PA), a warrant (-WT), a fund (SPY), or common stock.</summary>
    public static ListingKind KindOf(string ticker, string filedName)
    {
        var dash = ticker.LastIndexOfAny(['-', '.', '/']);
        if (dash > 0 && dash < ticker.Length - 1)
        {
            var tail = ticker[(dash + 1)..];
            if (tail[0] == 'P')
            {
                return ListingKind.Preferred;
            }

            if (tail is "WT" or "WS" or "W" or "UN" or "U" or "RI" or "RT" or "R")
            {
                return ListingKind.Derivative;
            }
        }

        return FundName().IsMatch(filedName) ? ListingKind.Fund : ListingKind.Common;
    }

    /// <summary>The words of a filed name without its state or country mark ("/DE/", "/ADR") and commas.</summary>
    private static List<string> Words(string filedName)
    {
        var name = filedName;
        var slash = name.IndexOf('/');
        if (slash > 0 && name.Length - slash <= 12)
        {
            name = name[..slash];
        }

        return name.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(w => w != "-")
            .ToList();
    }

    private static bool HasLower(string text)
    {
        foreach (var c in text)
        {
            if (char.IsLower(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string TitleCase(string text)
    {
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i];
            var lower = word.ToLowerInvariant();
            if (i > 0 && SmallWords.Contains(lower))
            {
                words[i] = lower;
            }
            else if (!word.Any(char.IsLetter) || word.Contains('&') || (word.Length <= 3 && !word.Any(IsVowel)) || word.Length <= 2)
            {
                // AT&T, S&P, CSX, GE, 3M: kept as written.
                words[i] = word;
            }
            else
            {
                words[i] = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(lower);
            }
        }

        return string.Join(' ', words);
    }

    private static bool IsVowel(char c) => "AEIOUYaeiouy".Contains(c);

    [GeneratedRegex(@"\b(ETF|ETFS|ETN|ETNS|FUND|FUNDS|SPDR|ISHARES|PROSHARES|DIREXION)\b|TRUST,? SERIES|\b(GOLD|SILVER|BITCOIN|ETHER|ETHEREUM|PLATINUM|PALLADIUM|OIL) TRUST\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FundName();
}

using System.Collections.Frozen;
using System.Globalization;

namespace Alerts.Core.Extraction;

/// <summary>Splits text into sentences and sentences into tokens, by hand (no regular expressions, no backtracking).</summary>
internal static class Tokenizer
{
    private static readonly FrozenDictionary<string, string> DollarPrefixes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["US"] = "USD", ["USD"] = "USD", ["C"] = "CAD", ["CA"] = "CAD", ["CAD"] = "CAD", ["CDN"] = "CAD", ["A"] = "AUD", ["AU"] = "AUD",
        ["AUD"] = "AUD", ["HK"] = "HKD", ["HKD"] = "HKD", ["NZ"] = "NZD", ["NZD"] = "NZD", ["S"] = "SGD", ["SG"] = "SGD", ["SGD"] = "SGD",
        ["R"] = "BRL", ["MX"] = "MXN", ["NT"] = "TWD",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>ISO codes written before or after an amount ("EUR 45", "45 EUR", "CHF 120").</summary>
    private static readonly FrozenDictionary<string, string> CurrencyCodes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["USD"] = "USD", ["EUR"] = "EUR", ["GBP"] = "GBP", ["GBX"] = "GBX", ["GBp"] = "GBX", ["CAD"] = "CAD", ["AUD"] = "AUD", ["HKD"] = "HKD",
        ["JPY"] = "JPY", ["CHF"] = "CHF", ["SEK"] = "SEK", ["NOK"] = "NOK", ["DKK"] = "DKK", ["INR"] = "INR", ["CNY"] = "CNY", ["RMB"] = "CNY",
        ["SGD"] = "SGD", ["NZD"] = "NZD", ["BRL"] = "BRL", ["MXN"] = "MXN", ["ZAR"] = "ZAR", ["KRW"] = "KRW", ["TWD"] = "TWD", ["PLN"] = "PLN",
        ["Rs"] = "INR", ["Rs."] = "INR", ["MYR"] = "MYR",

        // "Sfr 120" (Reuters' Swiss francs), "RM5.20" (Malaysian ringgit, as The Edge writes it).
        ["Sfr"] = "CHF", ["SFr"] = "CHF", ["SFr."] = "CHF", ["Sfr."] = "CHF", ["RM"] = "MYR",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Words written after an amount ("45 euros", "1,200 yen", "480 pence").</summary>
    private static readonly FrozenDictionary<string, string> CurrencyWords = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["euros"] = "EUR", ["euro"] = "EUR", ["yen"] = "JPY", ["pence"] = "GBX", ["dollars"] = "USD", ["francs"] = "CHF", ["kronor"] = "SEK",
        ["yuan"] = "CNY", ["rupees"] = "INR", ["pounds"] = "GBP", ["sterling"] = "GBP", ["ringgit"] = "MYR", ["rupee"] = "INR",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>"Swiss francs", "Danish crowns", "Hong Kong dollars": the word that names the country, and the currency words after it.</summary>
    private static readonly FrozenDictionary<string, (string Code, string[] Words)> CurrencyCountries = new Dictionary<string, (string, string[])>(StringComparer.OrdinalIgnoreCase)
    {
        ["Swiss"] = ("CHF", ["francs", "franc"]),
        ["Danish"] = ("DKK", ["crowns", "kroner", "krone"]),
        ["Swedish"] = ("SEK", ["crowns", "kronor", "krona"]),
        ["Norwegian"] = ("NOK", ["crowns", "kroner", "krone"]),
        ["Canadian"] = ("CAD", ["dollars", "dollar"]),
        ["Australian"] = ("AUD", ["dollars", "dollar"]),
        ["Singapore"] = ("SGD", ["dollars", "dollar"]),
        ["Malaysian"] = ("MYR", ["ringgit"]),
        ["Indian"] = ("INR", ["rupees", "rupee"]),
        ["Japanese"] = ("JPY", ["yen"]),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> AttachedMagnitudes = new[] { "bn", "b", "m", "mn", "mln", "k", "tn", "t", "billion", "million" }
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The sentences of <paramref name="text"/>, as (start, length) ranges. A line break ends a sentence (headlines one per line)
    /// unless the text is hard-wrapped prose: then it is a space (see <see cref="SoftLineBreaks"/>).
    /// </summary>
    public static List<(int Start, int Length)> Sentences(string text)
    {
        var result = new List<(int, int)>();
        var soft = text.Contains('\n') ? SoftLineBreaks(text) : null;
        var start = 0;
        var n = text.Length;
        for (var i = 0; i < n; i++)
        {
            var c = text[i];
            if (c == '\n' && soft is not null && soft.Contains(i))
            {
                continue;
            }

            if (c == '|' && IsTableCell(text, i + 1))
            {
                continue;
            }

            if (c is '\n' or '|' or '•' or '\u2028' or '\u2029')
            {
                Add(result, text, start, i);
                start = i + 1;
                continue;
            }

            if (c is not ('.' or '!' or '?'))
            {
                continue;
            }

            var j = i + 1;
            while (j < n && text[j] is '"' or '”' or '’' or '\'' or ')' or '»')
            {
                j++;
            }

            if (c == '.' && j == i + 1 && IsGluedSentenceStart(text, i))
            {
                Add(result, text, start, j);
                start = j;
                continue;
            }

            if (j >= n || !char.IsWhiteSpace(text[j]) || text[j] is '\n' or '\r')
            {
                continue;
            }

            var k = j;
            while (k < n && text[k] is ' ' or '\t' or '\u00a0')
            {
                k++;
            }

            if (k >= n)
            {
                continue;
            }

            var next = text[k];
            if (!(char.IsUpper(next) || char.IsDigit(next) || next is '"' or '“' or '\'' or '‘' or '$' or '(' or '€' or '£'))
            {
                continue;
            }

            if (c == '.' && j == i + 1 && !EndsSentenceAfter(text, i, k))
            {
                continue;
            }

            Add(result, text, start, j);
            start = j;
        }

        Add(result, text, start, n);
        return result;
    }

    /// <summary>
    /// A period with no space after it that still ends a sentence, as pages whose links were stripped leave them: "... a
    /// revised mining operation valuation of $1 billion.The report also raised IREN's price target to $39 from $28"
    /// (AInvest, 24 Nov 2025). The word before is lower case (three letters or more, so not "U.S." or "p.m."), the word
    /// after is capitalized and goes on in lower case ("The", "In"), so "Amazon.com" and "Node.JS" stay one word.
    /// </summary>
    /// <summary>
    /// "Sumitomo Chemical | Brokerage: Elara Capital | Rating: Upgrade to accumulate from reduce | Target price: Rs 533"
    /// (Business Standard's brokerage tables): a bar before a labelled cell does not end the sentence; it reads as a dash.
    /// </summary>
    private static bool IsTableCell(string text, int after)
    {
        var s = text.AsSpan(after).TrimStart(' ');
        foreach (var label in TableLabels)
        {
            if (s.StartsWith(label, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] TableLabels = ["Brokerage:", "Broker:", "Rating:", "Target:", "Target price:", "TP:", "Reco:"];

    private static bool IsGluedSentenceStart(string text, int period)
    {
        if (period + 2 >= text.Length || !char.IsUpper(text[period + 1]) || !char.IsLower(text[period + 2]))
        {
            return false;
        }

        var letters = 0;
        for (var k = period - 1; k >= 0 && char.IsLetter(text[k]); k--)
        {
            if (!char.IsLower(text[k]))
            {
                return false;
            }

            letters++;
        }

        return letters >= 3 && (period - letters == 0 || !char.IsLetterOrDigit(text[period - letters - 1]) && text[period - letters - 1] is not ('.' or '@' or '/'));
    }

    /// <summary>
    /// The line breaks that only wrap a sentence: the line before does not end a sentence, and the next line goes on with it
    /// (starts in lower case or with an amount), or the line before ends on a word that cannot end one ("on", "the"), or
    /// the paragraph is wrapped at a width (three or more lines, all but the last of about the same length).
    /// </summary>
    private static HashSet<int> SoftLineBreaks(string text)
    {
        var lines = new List<(int Start, int End)>();
        var lineStart = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '\n')
            {
                var end = i;
                while (end > lineStart && char.IsWhiteSpace(text[end - 1]))
                {
                    end--;
                }

                var start = lineStart;
                while (start < end && char.IsWhiteSpace(text[start]))
                {
                    start++;
                }

                lines.Add((start, end));
                lineStart = i + 1;
            }
        }

        var soft = new HashSet<int>();
        var p = 0;
        while (p < lines.Count)
        {
            if (lines[p].End <= lines[p].Start)
            {
                p++;
                continue;
            }

            // A paragraph: consecutive lines that are not blank.
            var q = p;
            while (q + 1 < lines.Count && lines[q + 1].End > lines[q + 1].Start)
            {
                q++;
            }

            var wrapped = IsWrapped(lines, p, q);
            for (var l = p; l < q; l++)
            {
                var (start, end) = lines[l];
                var last = text[end - 1];
                if (last is '.' or '!' or '?' or ':' or ';' or '"' or '”' or '|')
                {
                    continue;
                }

                var next = text[lines[l + 1].Start];

                // A bulleted line starts an item of its own, however the lines are wrapped: "* Danske Bank : Jefferies
                // raises target price to DKK 234 from DKK 229" (Reuters' research roundup).
                if (next is '*' or '-' or '•' && lines[l + 1].Start + 1 < text.Length && text[lines[l + 1].Start + 1] == ' ')
                {
                    continue;
                }

                var continues = char.IsLower(next) || char.IsDigit(next) || next is '$' or '€' or '£' or '¥' or '(' or '&';
                if (continues || wrapped || EndsWithConnector(text.AsSpan(start, end - start)))
                {
                    // The newline that ends line l.
                    var newline = text.IndexOf('\n', end);
                    if (newline >= 0)
                    {
                        soft.Add(newline);
                    }
                }
            }

            p = q + 1;
        }

        return soft;
    }

    private static bool IsWrapped(List<(int Start, int End)> lines, int first, int last)
    {
        if (last - first < 2)
        {
            return false;
        }

        var max = 0;
        var min = int.MaxValue;
        for (var l = first; l < last; l++)
        {
            var length = lines[l].End - lines[l].Start;
            max = Math.Max(max, length);
            min = Math.Min(min, length);
        }

        return max >= 50 && min >= max * 0.8;
    }

    private static bool EndsWithConnector(ReadOnlySpan<char> line)
    {
        var space = line.LastIndexOf(' ');
        var word = space < 0 ? line : line[(space + 1)..];
        return Connectors.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
    }

    private static readonly FrozenSet<string> Connectors = new[]
    {
        "a", "an", "the", "of", "on", "to", "from", "at", "by", "for", "with", "in", "and", "or", "its", "their", "his", "her", "as", "than",
        "that", "which", "who", "is", "was", "were", "are", "has", "had", "have", "be", "been", "said", "says", "&", "-", "–", "—",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>False when the period at <paramref name="dot"/> ends an initial ("B. Riley") or an abbreviation ("Corp.").</summary>
    private static bool EndsSentenceAfter(string text, int dot, int nextWordStart)
    {
        var s = dot;
        while (s > 0 && (char.IsLetterOrDigit(text[s - 1]) || text[s - 1] == '.'))
        {
            s--;
        }

        var word = text.AsSpan(s, dot - s);
        if (word.Length == 0 || char.IsDigit(word[^1]))
        {
            return true;
        }

        if (word.Length == 1 && char.IsUpper(word[0]))
        {
            return false;
        }

        var abbreviation = word.Contains('.') || (Lexicon.Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word));
        if (!abbreviation)
        {
            return true;
        }

        var e = nextWordStart;
        while (e < text.Length && char.IsLetter(text[e]))
        {
            e++;
        }

        return Lexicon.SentenceStarters.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text.AsSpan(nextWordStart, e - nextWordStart));
    }

    private static void Add(List<(int, int)> result, string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            result.Add((start, end - start));
        }
    }

    public static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>(s.Length / 5 + 4);
        var n = s.Length;
        var i = 0;
        while (i < n)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c is '-' or '=' or '—' && i + 1 < n && s[i + 1] == '>')
            {
                tokens.Add(new Token { Kind = TokKind.Arrow, Start = i, End = i + 2, Text = "->", Lower = "->", Kw = Kw.To });
                i += 2;
                continue;
            }

            if (c is '-' && i + 2 < n && s[i + 1] == '-' && s[i + 2] == '>')
            {
                tokens.Add(new Token { Kind = TokKind.Arrow, Start = i, End = i + 3, Text = "->", Lower = "->", Kw = Kw.To });
                i += 3;
                continue;
            }

            if (c is '→' or '⇒' or '➔')
            {
                tokens.Add(new Token { Kind = TokKind.Arrow, Start = i, End = i + 1, Text = "->", Lower = "->", Kw = Kw.To });
                i++;
                continue;
            }

            if (c is '"' or '“' or '”' or '„' or '«' or '»' or '‘'
                || (c is '\'' or '’' && (i == 0 || !char.IsLetterOrDigit(s[i - 1]) || i + 1 >= n || !char.IsLetter(s[i + 1]))))
            {
                tokens.Add(new Token { Kind = TokKind.Quote, Start = i, End = i + 1, Text = "\"", Lower = "\"", P = '"' });
                i++;
                continue;
            }

            if (c == '$')
            {
                var d = i + 1;
                if (d < n && s[d] == ' ' && d + 1 < n && char.IsDigit(s[d + 1]))
                {
                    d++;
                }

                if (d < n && char.IsDigit(s[d]))
                {
                    i = ReadAmount(s, d, i, "USD", tokens);
                    continue;
                }

                if (d < n && char.IsLetter(s[d]))
                {
                    var e = d;
                    while (e < n && (char.IsLetterOrDigit(s[e]) || (s[e] is '.' or '-' && e + 1 < n && char.IsLetter(s[e + 1]))))
                    {
                        e++;
                    }

                    var tag = s[d..e];
                    tokens.Add(new Token
                    {
                        Kind = TokKind.Cashtag, Start = i, End = e, Text = tag.ToUpperInvariant(), Lower = tag.ToLowerInvariant(), Cap = true,
                        AllCaps = true, HasUpper = true,
                    });
                    i = e;
                    continue;
                }
            }

            var symbol = c switch
            {
                '€' => "EUR",
                '£' => "GBP",
                '¥' or '￥' => "JPY",
                '₹' => "INR",
                '₩' => "KRW",
                '₽' => "RUB",
                '₺' => "TRY",
                '₪' => "ILS",
                '฿' => "THB",
                '₱' => "PHP",
                _ => null,
            };
            if (symbol is not null)
            {
                var d = i + 1;
                if (d < n && s[d] == ' ')
                {
                    d++;
                }

                if (d < n && char.IsDigit(s[d]))
                {
                    i = ReadAmount(s, d, i, symbol, tokens);
                    continue;
                }

                tokens.Add(Punct(s, i));
                i++;
                continue;
            }

            if (char.IsDigit(c))
            {
                if (LooksLikeWordAfterDigits(s, i))
                {
                    i = ReadWord(s, i, tokens);
                }
                else
                {
                    i = ReadAmount(s, i, i, null, tokens);
                }

                continue;
            }

            if (char.IsLetter(c))
            {
                // "C$72", "HK$30", "US$18": letters glued to a dollar sign and an amount.
                var e = i;
                while (e < n && char.IsLetter(s[e]))
                {
                    e++;
                }

                if (e < n && s[e] == '$' && e + 1 < n && char.IsDigit(s[e + 1])
                    && DollarPrefixes.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(s.AsSpan(i, e - i), out var prefixed))
                {
                    i = ReadAmount(s, e + 1, i, prefixed, tokens);
                    continue;
                }

                // "EUR 45", "CHF120", "Rs 1,200".
                var codeEnd = e < n && s[e] == '.' ? e + 1 : e;
                if (CurrencyCodes.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(s.AsSpan(i, codeEnd - i), out var code))
                {
                    var d = codeEnd;
                    if (d < n && s[d] == ' ')
                    {
                        d++;
                    }

                    if (d < n && char.IsDigit(s[d]))
                    {
                        i = ReadAmount(s, d, i, code, tokens);
                        continue;
                    }
                }

                i = ReadWord(s, i, tokens);
                continue;
            }

            tokens.Add(Punct(s, i));
            i++;
        }

        PreviousInParentheses.Rewrite(tokens);
        DollarCountryInParentheses.Rewrite(tokens);
        return tokens;
    }

    private static Token Punct(string s, int i)
    {
        var c = s[i] is '–' or '—' or '|' ? '-' : s[i];
        var text = c.ToString();
        return new Token
        {
            Kind = TokKind.Punct, Start = i, End = i + 1, Text = text, Lower = text, P = c,
            Kw = c == '&' ? Kw.And : Kw.None,
        };
    }

    /// <summary>"12-month", "4th", "3M", "0700.HK": digits that are part of a word.</summary>
    private static bool LooksLikeWordAfterDigits(string s, int i)
    {
        var n = s.Length;
        var e = i;
        while (e < n && char.IsDigit(s[e]))
        {
            e++;
        }

        if (e >= n)
        {
            return false;
        }

        var c = s[e];
        if (char.IsLetter(c))
        {
            // "480p", "1.2bn" style suffixes are amounts; "3M", "4th" are words.
            var f = e;
            while (f < n && char.IsLetter(s[f]))
            {
                f++;
            }

            var suffix = s.AsSpan(e, f - e);
            return !(suffix is "p" || AttachedMagnitudes.GetAlternateLookup<ReadOnlySpan<char>>().Contains(suffix));
        }

        if ((c is '-' or '.') && e + 1 < n && char.IsLetter(s[e + 1]))
        {
            return true;
        }

        return false;
    }

    private static int ReadWord(string s, int i, List<Token> tokens)
    {
        var n = s.Length;
        var e = i;
        while (e < n)
        {
            var c = s[e];
            if (char.IsLetterOrDigit(c))
            {
                e++;
                continue;
            }

            if (e + 1 < n && e > i)
            {
                var next = s[e + 1];
                if ((c is '.' or '-' or '/' && char.IsLetterOrDigit(next))
                    || (c is '\'' or '’' && char.IsLetter(next))
                    || (c == '&' && char.IsLetter(next) && char.IsUpper(s[e - 1])))
                {
                    e++;
                    continue;
                }
            }

            break;
        }

        // "J.P.", "H.C.", "B.": a trailing period after a single-letter segment belongs to the word.
        if (e < n && s[e] == '.')
        {
            var lastSeg = e - 1;
            while (lastSeg > i && s[lastSeg - 1] != '.')
            {
                lastSeg--;
            }

            if (e - lastSeg == 1 && char.IsLetter(s[lastSeg]))
            {
                e++;
            }
        }

        var textEnd = e;
        var possessive = false;
        if (textEnd - i > 2 && s[textEnd - 1] is 's' or 'S' && s[textEnd - 2] is '\'' or '’')
        {
            possessive = true;
            textEnd -= 2;
        }
        else if (e < n && s[e] is '\'' or '’' && s[e - 1] is 's' && (e + 1 >= n || !char.IsLetter(s[e + 1])))
        {
            possessive = true;
            e++;
        }

        // "BRIEF-Bernstein", "BUZZ-Cipher", "UPDATE 1-JPMorgan": a wire slug glued to the headline.
        var dash = s.IndexOf('-', i, textEnd - i);
        if (dash > i && dash + 2 < textEnd && char.IsUpper(s[dash + 1])
            && ((dash > i + 2 && char.IsLower(s[dash + 2]) && IsAllUpper(s.AsSpan(i, dash - i)))
                || WireSlugs.GetAlternateLookup<ReadOnlySpan<char>>().Contains(s.AsSpan(i, dash - i))
                || IsAllDigits(s.AsSpan(i, dash - i))))
        {
            tokens.Add(MakeWord(s, i, dash, dash, false));
            tokens.Add(Punct(s, dash));
            tokens.Add(MakeWord(s, dash + 1, e, textEnd, possessive));
            return e;
        }

        tokens.Add(MakeWord(s, i, e, textEnd, possessive));
        return e;
    }

    private static readonly FrozenSet<string> WireSlugs = new[]
    {
        "BRIEF", "BUZZ", "UPDATE", "RPT", "CORRECTED", "EXCLUSIVE", "ANALYSIS", "FACTBOX", "WRAPUP", "REFILE", "CORRECTION", "INSTANT", "HOT",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static bool IsAllDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsDigit(c))
            {
                return false;
            }
        }

        return span.Length > 0;
    }

    private static bool IsAllUpper(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    private static Token MakeWord(string s, int start, int end, int textEnd, bool possessive)
    {
        var text = s[start..textEnd];
        var lower = text.ToLowerInvariant();
        var hasLetter = false;
        var allCaps = true;
        var hasUpper = false;
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                hasLetter = true;
                if (char.IsUpper(c))
                {
                    hasUpper = true;
                }
                else
                {
                    allCaps = false;
                }
            }
        }

        Lexicon.Words.TryGetValue(lower, out var kw);
        return new Token
        {
            Kind = TokKind.Word,
            Start = start,
            End = end,
            Text = text,
            Lower = lower,
            Kw = kw,
            Possessive = possessive,
            Cap = char.IsUpper(text[0]) || char.IsDigit(text[0]),
            AllCaps = hasLetter && allCaps,
            HasUpper = hasUpper,
        };
    }

    /// <summary>Reads "1,200.50" at <paramref name="digits"/> and what follows it (%, billion, p, euros ...).</summary>
    private static int ReadAmount(string s, int digits, int start, string? currency, List<Token> tokens)
    {
        var n = s.Length;
        var e = digits;
        while (e < n)
        {
            if (char.IsDigit(s[e]))
            {
                e++;
            }
            else if (s[e] == ',' && IsThreeDigits(s, e + 1))
            {
                e++;
            }
            else if (s[e] == '.' && e + 1 < n && char.IsDigit(s[e + 1]) && !s.AsSpan(digits, e - digits).Contains('.'))
            {
                e++;
            }
            else
            {
                break;
            }
        }

        var numberText = s.AsSpan(digits, e - digits);
        Span<char> buffer = stackalloc char[numberText.Length];
        var length = 0;
        foreach (var c in numberText)
        {
            if (c != ',')
            {
                buffer[length++] = c;
            }
        }

        decimal.TryParse(buffer[..length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount);
        var token = new Token { Kind = currency is null ? TokKind.Number : TokKind.Money, Start = start, Amount = amount, Currency = currency };
        token.Text = s[start..e];
        token.Lower = token.Text;

        // Glued suffixes: "480p", "1.2bn", "500m", "15%".
        var f = e;
        while (f < n && char.IsLetter(s[f]))
        {
            f++;
        }

        if (f > e)
        {
            var suffix = s.AsSpan(e, f - e);
            if (suffix is "p")
            {
                token.Kind = TokKind.Money;
                token.Currency = "GBX";
                e = f;
            }
            else if (AttachedMagnitudes.GetAlternateLookup<ReadOnlySpan<char>>().Contains(suffix))
            {
                token.Magnitude = true;
                e = f;
            }
        }
        else if (e < n && s[e] == '%')
        {
            token.Kind = TokKind.Percent;
            e++;
        }

        // Separate words: "1.2 billion", "45 euros", "30 percent", "72 CAD".
        var w = e;
        while (w < n && s[w] == ' ')
        {
            w++;
        }

        var we = w;
        while (we < n && char.IsLetter(s[we]))
        {
            we++;
        }

        // "365 Swiss francs", "1,050 Danish crowns": a country's adjective before the currency's word.
        if (we > w && we + 1 < n && s[we] == ' ' && CurrencyCountries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(s.AsSpan(w, we - w), out var national))
        {
            var ne = we + 1;
            while (ne < n && char.IsLetter(s[ne]))
            {
                ne++;
            }

            if (national.Words.Contains(s[(we + 1)..ne].ToLowerInvariant()) && (ne >= n || !char.IsLetterOrDigit(s[ne])))
            {
                if (token.Kind == TokKind.Number)
                {
                    token.Kind = TokKind.Money;
                    token.Currency = national.Code;
                }

                token.End = ne;
                tokens.Add(token);
                return ne;
            }
        }

        if (we > w && token.Kind != TokKind.Percent && (we >= n || !char.IsLetterOrDigit(s[we])))
        {
            var word = s.AsSpan(w, we - w);
            if (Lexicon.Words.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out var kw) && kw == Kw.Magnitude && word.Length > 1)
            {
                token.Magnitude = true;
                e = we;
            }
            else if (word.Equals("percent", StringComparison.OrdinalIgnoreCase) || word.Equals("pct", StringComparison.OrdinalIgnoreCase))
            {
                token.Kind = TokKind.Percent;
                e = we;
            }
            else if (CurrencyWords.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out var named)
                || CurrencyCodes.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out named))
            {
                if (token.Kind == TokKind.Number)
                {
                    token.Kind = TokKind.Money;
                    token.Currency = named;
                }

                e = we;
            }
        }

        token.End = e;
        tokens.Add(token);
        return e;
    }

    private static bool IsThreeDigits(string s, int i) =>
        i + 2 < s.Length && char.IsDigit(s[i]) && char.IsDigit(s[i + 1]) && char.IsDigit(s[i + 2]) && (i + 3 >= s.Length || !char.IsDigit(s[i + 3]));
}

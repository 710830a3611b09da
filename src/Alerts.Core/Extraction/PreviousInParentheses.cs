using System.Collections.Frozen;
using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>
/// Reuters' and the UK wires' way of giving the old value: in parentheses after the new one. "BARCLAYS CUTS SMITH &amp;
/// NEPHEW PRICE TARGET TO 1775 (1800) PENCE - 'OVERWEIGHT'", "Goldman Sachs cuts Croda International to 'neutral' (buy)
/// - price target 7,200 (8,700) pence", "target price ... to 2,987p (2,761p)". The tokens are rewritten to read as
/// "to 1775 pence from 1800 pence" and "to 'neutral' from buy", so that the clause reader needs no second form.
/// </summary>
internal static class PreviousInParentheses
{
    /// <summary>Currency words written after the closing parenthesis: "(1800) PENCE", "(222) P", "(13.12) EUR".</summary>
    private static readonly FrozenDictionary<string, string> TrailingCurrencies = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["pence"] = "GBX", ["p"] = "GBX", ["gbp"] = "GBP", ["gbx"] = "GBX", ["eur"] = "EUR", ["euros"] = "EUR", ["usd"] = "USD",
        ["chf"] = "CHF", ["sek"] = "SEK", ["nok"] = "NOK", ["dkk"] = "DKK", ["cents"] = "USD",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Rewrites <paramref name="tokens"/> in place.</summary>
    public static void Rewrite(List<Token> tokens)
    {
        for (var i = 1; i + 2 < tokens.Count; i++)
        {
            if (!tokens[i].IsPunct('('))
            {
                continue;
            }

            var before = tokens[i - 1];
            if (tokens[i + 2].IsPunct(')') && IsAmount(before) && IsAmount(tokens[i + 1]))
            {
                Amounts(tokens, i);
            }
            else if (before.Kind == TokKind.Quote && RatingInside(tokens, i) is var close and > 0)
            {
                // "TO 'HOLD' (REDUCE)", "TO 'NEUTRAL' ('OUTPERFORM')", "to 'equal weight' (overweight)".
                tokens[i] = From(tokens[i]);
                tokens.RemoveAt(close);
            }
        }
    }

    /// <summary>The index of the ")" when a rating of up to three words, quoted or not, is all the parentheses hold; else -1.</summary>
    private static int RatingInside(List<Token> tokens, int open)
    {
        var j = open + 1;
        var quoted = j < tokens.Count && tokens[j].Kind == TokKind.Quote;
        if (quoted)
        {
            j++;
        }

        var first = j;
        while (j < tokens.Count && j - first < Lexicon.MaxRatingWords && tokens[j].IsWord)
        {
            j++;
        }

        if (j == first)
        {
            return -1;
        }

        var words = string.Join(' ', tokens.GetRange(first, j - first).Select(t => t.Text));
        if (quoted && j < tokens.Count && tokens[j].Kind == TokKind.Quote)
        {
            j++;
        }

        return j < tokens.Count && tokens[j].IsPunct(')') && IsRating(words) ? j : -1;
    }

    /// <summary>"1775 (1800) PENCE": both amounts take the currency written after them (or the one written on either).</summary>
    private static void Amounts(List<Token> tokens, int open)
    {
        var now = tokens[open - 1];
        var was = tokens[open + 1];
        string? currency = null;
        var close = open + 2;
        if (close + 1 < tokens.Count && tokens[close + 1].IsWord && !tokens[close + 1].Possessive
            && TrailingCurrencies.TryGetValue(tokens[close + 1].Text, out var written)
            && (tokens[close + 1].Text.Length > 1 || close + 2 >= tokens.Count || !tokens[close + 2].IsPunct('.')))
        {
            currency = written;
            tokens.RemoveAt(close + 1);
        }

        currency ??= now.Currency ?? was.Currency;
        foreach (var amount in (Token[])[now, was])
        {
            if (currency is not null && amount.Currency is null)
            {
                amount.Kind = TokKind.Money;
                amount.Currency = currency;
            }
        }

        tokens[open] = From(tokens[open]);
        tokens.RemoveAt(close);
    }

    private static bool IsAmount(Token token) => token.Kind is TokKind.Number or TokKind.Money && !token.Magnitude;

    private static bool IsRating(string word) => Lexicon.RatingKeys.Contains(RatingScale.Key(word));

    private static Token From(Token parenthesis) => new()
    {
        Kind = TokKind.Word, Start = parenthesis.Start, End = parenthesis.End, Text = "from", Lower = "from", Kw = Kw.From,
    };
}

using System.Collections.Frozen;

namespace Alerts.Core.Extraction;

/// <summary>
/// "maintained a $27 (Canadian) price target", "cut its price target to $44 (Canadian) from $49" (The Globe and Mail):
/// the dollar is named after the amount, in parentheses. The amount takes that currency and the parentheses go; a dollar
/// amount after it in the same sentence with no country of its own is the same dollar.
/// </summary>
internal static class DollarCountryInParentheses
{
    private static readonly FrozenDictionary<string, string> Countries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Canadian"] = "CAD", ["Cdn"] = "CAD", ["Australian"] = "AUD", ["Singapore"] = "SGD", ["Hong Kong"] = "HKD", ["NZ"] = "NZD",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Rewrites <paramref name="tokens"/> in place.</summary>
    public static void Rewrite(List<Token> tokens)
    {
        string? currency = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind != TokKind.Money || token.Currency != "USD" || !token.Text.StartsWith('$'))
            {
                continue;
            }

            if (i + 3 < tokens.Count && tokens[i + 1].IsPunct('(') && tokens[i + 2].IsWord && tokens[i + 3].IsPunct(')')
                && Countries.TryGetValue(tokens[i + 2].Text, out var named))
            {
                currency = named;
                token.Currency = named;
                tokens.RemoveRange(i + 1, 3);
            }
            else if (currency is not null)
            {
                token.Currency = currency;
            }
        }
    }
}

using System.Collections.Frozen;
using System.Text;

namespace Alerts.Core.Ratings;

/// <summary>
/// Maps a broker's rating words ("Overweight", "equal-weight", "Sector Perform") onto <see cref="RatingLevel"/>.
/// Lookup ignores case, hyphens, spaces and punctuation. Unknown words map to <see cref="RatingLevel.Unknown"/>.
/// </summary>
public static class RatingScale
{
    private static readonly FrozenDictionary<string, RatingLevel> Words = Build(new()
    {
        [RatingLevel.StrongBuy] =
        [
            "Strong Buy", "Top Pick", "Conviction Buy", "Strong Outperform", "Buy (Conviction)", "Conviction List",
        ],
        [RatingLevel.Buy] =
        [
            "Buy", "Overweight", "Outperform", "Positive", "Market Outperform", "Sector Outperform",
            "Speculative Buy", "Accumulate", "Add", "Outperformer", "Moderate Buy", "Long-Term Buy",
            "Industry Outperform", "Above Average", "Overperform", "Buy/Overweight",
        ],
        [RatingLevel.Hold] =
        [
            "Hold", "Neutral", "Equal Weight", "Market Perform", "In Line", "Sector Perform", "Peer Perform",
            "Sector Weight", "Perform", "Market Weight", "Sector Neutral", "Industry Perform", "Mixed", "Average",
            "Fair Value", "Market Neutral", "Industry Neutral",
        ],
        [RatingLevel.Sell] =
        [
            "Underweight", "Underperform", "Sector Underperform", "Market Underperform", "Sell", "Negative",
            "Reduce", "Moderate Sell", "Industry Underperform", "Below Average", "Underperformer",
        ],
        [RatingLevel.StrongSell] =
        [
            "Strong Sell", "Conviction Sell",
        ],
    });

    /// <summary>The level of a broker's rating word, or <see cref="RatingLevel.Unknown"/>.</summary>
    public static RatingLevel Classify(string? word)
    {
        if (string.IsNullOrWhiteSpace(word))
        {
            return RatingLevel.Unknown;
        }

        return Words.TryGetValue(Key(word), out var level) ? level : RatingLevel.Unknown;
    }

    /// <summary>Letters and digits only, lower case: "Equal-Weight" and "equal weight" share a key.</summary>
    internal static string Key(string word)
    {
        var builder = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static FrozenDictionary<string, RatingLevel> Build(Dictionary<RatingLevel, string[]> levels)
    {
        var words = new Dictionary<string, RatingLevel>(StringComparer.Ordinal);
        foreach (var (level, names) in levels)
        {
            foreach (var name in names)
            {
                words.Add(Key(name), level);
            }
        }

        return words.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

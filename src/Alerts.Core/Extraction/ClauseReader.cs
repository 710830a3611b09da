using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>
/// Reads the rating changes of one sentence: splits it into clauses (one per firm and action), decides which name is the
/// firm and which the company, and reads the action, the ratings (from/to) and the price targets (from/to) of each clause.
/// Whatever the clause leaves unsaid (the firm, the company) comes from the text read so far.
/// </summary>
internal sealed class ClauseReader(FirmMatcher firms)
{
    private readonly FirmMatcher _firms = firms;

    /// <summary>Reads every clause of a sentence into <paramref name="drafts"/>.</summary>
    public void ReadSentence(List<Item> items, string sentence, TextContext context, List<Draft> drafts)
    {
        var start = 0;
        var sawVerb = false;
        RatingAction? previous = null;
        for (var k = 0; k < items.Count; k++)
        {
            var item = items[k];
            if (item.Kind == ItemKind.Word && (Lexicon.IsChangeVerb(item.Kw) || item.Kw is Kw.Up or Kw.Down))
            {
                sawVerb = true;
                continue;
            }

            if (k == start || !IsSeparator(item) || (!sawVerb && !item.IsPunct(';')))
            {
                continue;
            }

            var j = k + 1;
            while (j < items.Count && (IsSeparator(items[j]) || items[j].Kw == Kw.Adverb))
            {
                j++;
            }

            if (j < items.Count && ((items[j].IsEntity && (VerbFollows(items, j) || item.IsPunct(';'))) || StartsParticipleClause(items, j)))
            {
                previous = new Clause(_firms, items, start, k, sentence, context, drafts, previous).Read();
                start = j;
                k = j - 1;
                sawVerb = false;
            }
        }

        new Clause(_firms, items, start, items.Count, sentence, context, drafts, previous).Read();
    }

    /// <summary>
    /// "JPMorgan Chase has reshaped its outlook for the mining sector, upgrading (CIFR) and (CLSK) to Overweight while
    /// cutting price targets for legacy miners like Marathon Digital (MARA) and Riot Platforms (RIOT)" (AInvest, 24 Nov
    /// 2025): a verb of change in "-ing" after "while", "and" or a comma starts a clause of its own, about the companies
    /// it names, said by the same firm.
    /// </summary>
    private static bool StartsParticipleClause(List<Item> items, int j)
    {
        var verb = items[j];
        if (verb.Kind != ItemKind.Word || !Lexicon.IsChangeVerb(verb.Kw) || verb.Kw is Kw.Have or Kw.Rate or Kw.Set or Kw.Earn
            || !verb.Lower.EndsWith("ing", StringComparison.Ordinal))
        {
            return false;
        }

        for (var q = j + 1; q < items.Count; q++)
        {
            if (items[q].Kind == ItemKind.Company)
            {
                return true;
            }

            if (items[q].IsPunct(';') || items[q].IsPunct('.'))
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsSeparator(Item item) =>
        (item.Kind == ItemKind.Punct && item.P is ',' or ';' or ':' or '-') || item.Kw is Kw.And or Kw.While or Kw.But;

    /// <summary>A verb of change within a few items after the name at <paramref name="j"/> ("Citi downgraded", "Citi's Jane Doe cut").</summary>
    private static bool VerbFollows(List<Item> items, int j)
    {
        for (var q = j + 1; q < items.Count && q <= j + 5; q++)
        {
            var item = items[q];
            if (item.Kind == ItemKind.Word && (Lexicon.IsChangeVerb(item.Kw) || item.Kw is Kw.Up or Kw.Down))
            {
                return true;
            }

            if (item.Kind == ItemKind.TargetWord || item.Kw == Kw.RatingNoun)
            {
                continue;
            }

            if (item.Kind == ItemKind.Word && (item.Kw is Kw.Adverb or Kw.Be or Kw.Analyst or Kw.Det or Kw.Stock || (item.Cap && item.Kw == Kw.None)))
            {
                continue;
            }

            if (item.Kind == ItemKind.Punct && item.P == ',')
            {
                continue;
            }

            return false;
        }

        return false;
    }

    internal static bool IsPastForm(string lower) =>
        lower.EndsWith("ed", StringComparison.Ordinal) || lower is "cut" or "set" or "kept" or "given" or "begun" or "held" or "put" or "lowered"
            or "started" or "reiterated" or "slashed";

}

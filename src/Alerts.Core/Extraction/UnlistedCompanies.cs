using System.Collections.Frozen;

namespace Alerts.Core.Extraction;

/// <summary>
/// Finds the companies a sentence names that no table here knows ("Ideaya Biosciences", "Tata Motors", "Babcock"), so
/// that their changes are listed as unresolved rather than dropped or given to another company. A run of capitalized
/// words counts as a company only in a place where the sentence says it is the one rated; each such place is one method
/// below, with a real headline of its kind. The run becomes a <see cref="ItemKind.Company"/> item without a ticker.
/// </summary>
internal static class UnlistedCompanies
{
    private const int MaxNameWords = 5;

    /// <summary>Capitalized words that start no company name here: headline labels, days, indices, commodities, pronouns.</summary>
    private static readonly FrozenSet<string> NotNames = new[]
    {
        "update", "brief", "buzz", "exclusive", "breaking", "corrected", "research", "roundup", "round-up", "market", "markets", "stocks",
        "watch", "movers", "hot", "top", "daily", "morning", "midday", "evening", "premarket", "focus", "why", "how", "what", "here",
        "there", "it", "he", "she", "they", "we", "this", "that", "these", "those", "its", "their", "his", "her", "our", "also", "earlier",
        "later", "today", "yesterday", "overall", "wall", "street", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "gold", "silver", "oil", "brent", "wti", "crude", "copper", "bitcoin", "ether", "ethereum", "crypto", "s", "sp", "nasdaq", "dow",
        "stoxx", "ftse", "nifty", "sensex", "nikkei", "dax", "cac", "hang", "kospi", "asx", "tsx", "msci", "index", "treasury", "treasuries",
        "yields", "fed", "gdp", "eps", "earnings", "revenue", "dividend", "dividends", "inflation", "euro", "dollar", "yen", "sterling",
        "rupee", "yuan", "bund", "bunds", "emerging", "european", "us", "u.s", "uk", "china", "india", "japan", "europe", "asia", "global",
        "sector", "industry", "banks", "miners", "chipmakers", "retailers", "insurers", "investors", "traders", "economists", "strategists",
        "q1", "q2", "q3", "q4", "fy", "ipo", "ceo", "cfo", "rating", "ratings", "note", "report", "shares", "stock",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Words that, anywhere in a run, show it is no company ("Gold Price", "Brent Forecast", "Earnings Estimate").</summary>
    private static readonly FrozenSet<string> NotInNames = new[]
    {
        "index", "forecast", "forecasts", "estimate", "estimates", "outlook", "guidance", "earnings", "dividend", "revenue", "sales",
        "yield", "yields", "price", "prices", "futures", "rate", "rates", "view", "call", "stance",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Marks the unlisted companies of <paramref name="items"/> in place.</summary>
    public static void Mark(string sentence, List<Item> items)
    {
        if (!MayStateAChange(items))
        {
            HeadingAlone(sentence, items);
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Kind == ItemKind.Firm && (FirmRatedByAnother(items, i) || LeadBeforeColon(items, i, i + 1)))
            {
                items[i].Kind = ItemKind.Company;
                items[i].CompanyName = items[i].Text;
                continue;
            }

            if (!StartsName(items[i]))
            {
                continue;
            }

            var end = RunEnd(items, i);
            if (end == i)
            {
                continue;
            }

            if (SubjectOfTarget(items, i, end) || SubjectOfPassive(items, i, end) || ObjectOfVerb(items, i, end)
                || ObjectOfTarget(items, i, end) || AfterRecommendation(items, i, end) || LeadBeforeColon(items, i, end)
                || NextInList(items, i, end) || RatedOn(items, i, end) || SharesThenTheStock(items, i, end) || FirmOnCompany(items, i, end) || LeadOfTable(items, i, end)
                || CoverageOf(items, i, end) || SharesInThenMove(items, i, end))
            {
                Merge(sentence, items, i, end);
            }
            else
            {
                i = end - 1;
            }
        }
    }

    /// <summary>
    /// "Ideaya Biosciences price target raised to $34 from $28 at JPMorgan" (TheFly, quoted in issue 20): a name that
    /// opens a clause and owns the price target or the rating ("Babcock's target", "Foo stock price target").
    /// </summary>
    private static bool SubjectOfTarget(List<Item> items, int start, int end)
    {
        if (!AtClauseStart(items, start))
        {
            return false;
        }

        var next = end < items.Count && items[end].Kw == Kw.Stock ? end + 1 : end;
        if (next >= items.Count)
        {
            return false;
        }

        return items[next].Kind == ItemKind.TargetWord || (items[end - 1].Possessive && items[next].Kw == Kw.RatingNoun);
    }

    /// <summary>
    /// "Banca Mediolanum initiated with a Buy at Jefferies", "Adagene initiated with a Buy at China Renaissance"
    /// (TheFly): a name that opens a clause, followed by a verb of change in the passive ("was downgraded to", "upgraded
    /// at", "assumed with").
    /// </summary>
    private static bool SubjectOfPassive(List<Item> items, int start, int end)
    {
        if (!AtClauseStart(items, start))
        {
            return false;
        }

        var v = SkipStockWords(items, end);
        while (v < items.Count && items[v].Kind == ItemKind.Word && items[v].Kw is Kw.Be or Kw.Adverb)
        {
            v++;
        }

        if (v >= items.Count || !IsChangeVerb(items[v]) || !ClauseReader.IsPastForm(items[v].Lower))
        {
            return false;
        }

        var after = v + 1 < items.Count ? items[v + 1] : null;
        return after is null || after.Kind is ItemKind.Rating or ItemKind.Punct
            || after.Kw is Kw.To or Kw.From or Kw.At or Kw.As or Kw.With or Kw.By or Kw.Article;
    }

    /// <summary>
    /// "BofA downgraded Asbury Auto from Buy to Neutral" (Reuters, quoted in issue 20), "Maintains Barrick Gold at Buy"
    /// (Benzinga): the object of a verb of change, followed by the rating's or the target's place.
    /// </summary>
    private static bool ObjectOfVerb(List<Item> items, int start, int end)
    {
        if (start == 0 || !IsChangeVerb(items[start - 1]))
        {
            return false;
        }

        var next = SkipStockWords(items, end);
        if (next >= items.Count)
        {
            return !items[start - 1].Lower.EndsWith("ing", StringComparison.Ordinal);
        }

        var after = items[next];
        return after.Kind is ItemKind.Rating or ItemKind.TargetWord
            || after.Kw is Kw.To or Kw.From or Kw.At or Kw.With or Kw.As
            || after.IsPunct(',') || after.IsPunct(';')
            || (items[end - 1].Possessive && after.Kw == Kw.RatingNoun);
    }

    /// <summary>
    /// "BofA downgraded Asbury Auto from Buy to Neutral and Genuine Parts from Neutral to Underperform" (Reuters, quoted
    /// in issue 20): a further company after "and" or a comma, once a verb of change has spoken, with its own ratings
    /// ("from ... to") or target.
    /// </summary>
    private static bool NextInList(List<Item> items, int start, int end)
    {
        if (start < 2 || !(items[start - 1].Kw == Kw.And || items[start - 1].IsPunct(',')) || end + 1 >= items.Count)
        {
            return false;
        }

        var verbBefore = false;
        for (var q = start - 2; q >= 0 && !verbBefore; q--)
        {
            verbBefore = IsChangeVerb(items[q]);
        }

        var after = items[end];
        var then = items[end + 1];
        return verbBefore && after.Kw is Kw.From or Kw.To && (then.Kind == ItemKind.Rating || then.IsAmount);
    }

    /// <summary>
    /// "B of A Securities Maintains Neutral on Agilent Technologies, Raises Price Target to $88" (Benzinga, in the public
    /// data set amlaksil/stock-correlation-analysis): the company after a rating and "on".
    /// </summary>
    private static bool RatedOn(List<Item> items, int start, int end)
    {
        if (start < 2 || items[start - 1].Kw is not (Kw.On or Kw.For))
        {
            return false;
        }

        // "Jefferies has maintained an 'underperform' rating on IndiGo", "initiated a 'buy' call on SBI Card" (Moneycontrol),
        // "MIDF Research is maintaining a "buy" call on DiGi following ..." (Bernama): a rating noun names the company after it.
        if (items[start - 2].Kind == ItemKind.Word && items[start - 2].Kw == Kw.RatingNoun && !items[start - 2].Possessive)
        {
            // Not "BTIG Initiates ServiceNow (NOW) with Buy Rating on Expanding AI Platform": a company named before is the one rated.
            return !CompanyBefore(items, start);
        }

        if (items[start - 2].Kind != ItemKind.Rating)
        {
            return false;
        }

        var rest = SkipStockWords(items, end);
        var after = rest < items.Count ? items[rest] : null;
        return after is null || after.Kind == ItemKind.Punct || after.Kw is Kw.To or Kw.From or Kw.At or Kw.With or Kw.And;
    }

    /// <summary>
    /// "Pagaya Technologies shares were up over 11% in recent Friday trading after Citigroup upgraded the stock to buy from
    /// neutral" (MT Newswires): the company's shares open the sentence, and a verb of change takes "the stock" (or "the
    /// company's stock") later on.
    /// </summary>
    private static bool SharesThenTheStock(List<Item> items, int start, int end)
    {
        if (start != 0 || end >= items.Count || items[end].Kind != ItemKind.Word || items[end].Kw != Kw.Stock)
        {
            return false;
        }

        for (var q = end + 1; q + 2 < items.Count; q++)
        {
            if (!IsChangeVerb(items[q]) || items[q + 1].Kw != Kw.Det)
            {
                continue;
            }

            var noun = items[q + 2];
            if (noun.Kw == Kw.Stock || (noun.Lower == "company" && noun.Possessive && q + 3 < items.Count && items[q + 3].Kw == Kw.Stock))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// "Shares in Portuguese retailer Jeronimo Martins rise 2.4 percent ..., buoyed by a JPMorgan upgrade to "overweight""
    /// (Reuters): the sentence opens on the shares of a company, maybe described first, whose price then moves.
    /// </summary>
    private static bool SharesInThenMove(List<Item> items, int start, int end)
    {
        if (start < 2 || start > 6 || end >= items.Count || items[0].Kind != ItemKind.Word || items[0].Kw != Kw.Stock
            || items[1].Lower is not ("in" or "of") || items[end].Kind != ItemKind.Word || items[end].Kw != Kw.PriceMove)
        {
            return false;
        }

        for (var q = 2; q < start; q++)
        {
            if (items[q].Kind != ItemKind.Word || items[q].Kw != Kw.None)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"JPMORGAN RAISES TARGET FOR BABCOCK TO 400 PENCE": the company after "target for / on / of".</summary>
    private static bool ObjectOfTarget(List<Item> items, int start, int end)
    {
        if (start < 2 || items[start - 1].Kw is not (Kw.For or Kw.On or Kw.Of) || items[start - 2].Kind != ItemKind.TargetWord
            || (items[start - 1].Kw == Kw.On && CompanyBefore(items, start)))
        {
            // Not "Baird Lifts Autodesk, Inc. (ADSK) Price Target on Solid Q3 Results": the reason, after the company.
            return false;
        }

        var after = end < items.Count ? items[end] : null;
        return after is null || after.IsAmount || after.Kw is Kw.To or Kw.From or Kw.At or Kw.By || after.IsPunct(',') || after.IsPunct(';');
    }

    /// <summary>
    /// "Buy Tata Motors, target Rs 1,200: HSBC" (Indian brokers' calls, quoted in issue 20): a recommendation that opens
    /// the clause, the company, then its target or the firm.
    /// </summary>
    private static bool AfterRecommendation(List<Item> items, int start, int end)
    {
        if (start == 0 || items[start - 1].Kind != ItemKind.Rating || !items[start - 1].Cap || !AtClauseStart(items, start - 1))
        {
            return false;
        }

        var after = end < items.Count ? items[end] : null;
        return after is not null && (after.Kind == ItemKind.TargetWord || after.IsPunct(',') || after.IsPunct(':') || after.IsPunct(';'));
    }

    /// <summary>
    /// "Heritage Oil: UBS ups target from 190p to 250p, buy rating kept." (ShareCompare's broker round-up, 8 Aug 2012),
    /// "* Danske Bank : Jefferies raises target price to DKK 234 from DKK 229" (Reuters' European research roundup, where
    /// the company may be a bank that is also a broker): the company heads the line, a colon, then the firm and what it did.
    /// </summary>
    private static bool LeadBeforeColon(List<Item> items, int start, int end)
    {
        if (!(start == 0 || (start == 1 && items[0].Kind == ItemKind.Punct)) || end + 1 >= items.Count || !items[end].IsPunct(':'))
        {
            return false;
        }

        return items[end + 1].IsFirmCapable;
    }

    /// <summary>
    /// "COOKSON" on a line of its own, then "Deutsche Bank has upgraded the materials specialist to “buy” from “hold”"
    /// (City A.M.'s broker column); "Sumitomo Chemical | Brokerage: Elara Capital | Rating: Upgrade to accumulate"
    /// (Business Standard): a line that is nothing but a name heads the story that follows, which calls it "the stock"
    /// or "the group". The name becomes the company the following sentences speak of.
    /// </summary>
    private static void HeadingAlone(string sentence, List<Item> items)
    {
        var count = items.Count;
        while (count > 0 && items[count - 1].Kind == ItemKind.Punct && items[count - 1].P is ':' or '.' or '-')
        {
            count--;
        }

        if (count == 0 || !StartsName(items[0]) || items[0].Possessive)
        {
            return;
        }

        var end = RunEnd(items, 0);
        if (end == count && !items[end - 1].Possessive)
        {
            Merge(sentence, items, 0, end);
        }
    }

    /// <summary>
    /// "Morgan Stanley on SBI: The brokerage downgraded the stock to 'equal-weight' from 'overweight'" (Moneycontrol's
    /// brokerage calls), "CLSA on Colgate" heading its story: a firm that opens the line, "on", then the company, alone or
    /// before a colon.
    /// </summary>
    private static bool FirmOnCompany(List<Item> items, int start, int end)
    {
        if (start < 2 || items[start - 1].Kw != Kw.On || !items[start - 2].IsFirmCapable || !AtClauseStart(items, start - 2))
        {
            return false;
        }

        return end == items.Count || items[end].IsPunct(':') || (end + 1 == items.Count && items[end].Kind == ItemKind.Punct);
    }

    /// <summary>
    /// "Jefferies has initiated coverage on Ajanta Pharma with a buy rating" (NDTV Profit), "started coverage of Hikma
    /// Pharmaceuticals": the company after "coverage on / of".
    /// </summary>
    private static bool CoverageOf(List<Item> items, int start, int end)
    {
        return start >= 2 && items[start - 1].Kw is Kw.On or Kw.Of && items[start - 2].Kind == ItemKind.Word && items[start - 2].Kw == Kw.Coverage;
    }

    /// <summary>
    /// "Sumitomo Chemical | Brokerage: Elara Capital | Rating: Upgrade to accumulate from reduce | Target price: Rs 533"
    /// (Business Standard): the company heads a row whose next cell names the brokerage.
    /// </summary>
    private static bool LeadOfTable(List<Item> items, int start, int end)
    {
        return start == 0 && end + 2 < items.Count && items[end].IsPunct('-') && items[end + 1].Kind == ItemKind.Word
            && items[end + 1].Lower is "brokerage" or "broker" && items[end + 2].IsPunct(':');
    }

    /// <summary>
    /// "Goldman Sachs price target raised to $600 from $550 at Berenberg" (the shape of issue 20's example): a broker that
    /// opens the clause and owns the price target, while another broker, after "at" or "by", is the one speaking. The first
    /// is the company rated; with no listing known for it here (a bank listed only abroad), it is unlisted.
    /// </summary>
    private static bool FirmRatedByAnother(List<Item> items, int firm)
    {
        if (!AtClauseStart(items, firm) || firm + 1 >= items.Count)
        {
            return false;
        }

        var next = items[firm + 1];
        if (!(next.Kind == ItemKind.TargetWord || (items[firm].Possessive && next.Kw == Kw.RatingNoun)))
        {
            return false;
        }

        for (var q = firm + 2; q + 1 < items.Count; q++)
        {
            if (items[q].Kw is Kw.At or Kw.By && items[q + 1].IsFirmCapable)
            {
                return true;
            }
        }

        return false;
    }

    private static bool CompanyBefore(List<Item> items, int start)
    {
        for (var q = 0; q < start; q++)
        {
            if (items[q].Kind == ItemKind.Company)
            {
                return true;
            }
        }

        return false;
    }

    private static bool MayStateAChange(List<Item> items)
    {
        if (items.Count >= 3 && items[0].IsFirmCapable && items[1].Kw == Kw.On)
        {
            // "CLSA on Colgate": the heading of a call; the change follows in the next sentence.
            return true;
        }

        foreach (var item in items)
        {
            if (item.Kind == ItemKind.TargetWord || IsChangeVerb(item) || (item.Kind == ItemKind.Rating && item.Cap))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsChangeVerb(Item item) =>
        item.Kind == ItemKind.Word && item.Kw is Kw.Up or Kw.Down or Kw.Init or Kw.Start or Kw.Assume or Kw.Reit or Kw.Resume or Kw.Suspend
            or Kw.Raise or Kw.Lower or Kw.Drop or Kw.Move;

    /// <summary>
    /// Past "stock", "shares" and "stock rating" after a name: "Tamboran Resources stock initiated at Overweight by Wells
    /// Fargo", "KeyBanc downgrades Regency Centers stock rating to Sector Weight" (Investing.com headlines).
    /// </summary>
    private static int SkipStockWords(List<Item> items, int end)
    {
        if (end < items.Count && items[end].Kind == ItemKind.Word && items[end].Kw == Kw.Stock)
        {
            end++;
            if (end < items.Count && items[end].Kind == ItemKind.Word && items[end].Kw == Kw.RatingNoun)
            {
                end++;
            }
        }

        return end;
    }

    private static bool AtClauseStart(List<Item> items, int start) =>
        start == 0 || (items[start - 1].Kind == ItemKind.Punct && items[start - 1].P is ',' or ';' or ':' or '*' or '-')
            || items[start - 1].Kw is Kw.And or Kw.While or Kw.But;

    private static bool StartsName(Item item) =>
        item.Kind == ItemKind.Word && item.Cap && item.Kw == Kw.None && !NotNames.Contains(item.Lower)
            && (char.IsLetter(item.Text[0]) || IsDigitLedName(item.Text));

    /// <summary>"3i Infrastructure", "4imprint": a name that opens with a digit, not an ordinal ("4th") or a quarter.</summary>
    private static bool IsDigitLedName(string text)
    {
        var letters = text.AsSpan().TrimStart("0123456789");
        return letters.Length > 0 && letters.Length < text.Length && char.IsLetter(letters[0])
            && !(letters.Length == 2 && letters is "st" or "nd" or "rd" or "th" or "ST" or "ND" or "RD" or "TH") && !text.Contains('-');
    }

    /// <summary>The end (exclusive) of the run of name words from <paramref name="start"/>; <paramref name="start"/> when it is none.</summary>
    private static int RunEnd(List<Item> items, int start)
    {
        var end = start;
        while (end < items.Count && end - start < MaxNameWords)
        {
            var item = items[end];
            var inside = end > start;
            if (item.Kind == ItemKind.Word && item.Cap && (item.Kw == Kw.None || Lexicon.CorporateSuffixWords.Contains(item.Lower)))
            {
                if (NotInNames.Contains(item.Lower))
                {
                    return start;
                }

                end++;
            }
            else if (inside && end + 1 < items.Count && items[end + 1].Kind == ItemKind.Word && items[end + 1].Cap
                && (item.IsPunct('&') || (item.Kind == ItemKind.Word && item.Lower is "of" or "and" or "de")))
            {
                // "Marks & Spencer", "Bank of Ireland".
                end++;
                continue;
            }
            else if (inside && item.Kind == ItemKind.Word && item.Cap && item.Kw == Kw.Stock && !item.Possessive && end + 1 < items.Count
                && items[end + 1].Kind == ItemKind.Word && items[end + 1].Cap && items[end + 1].Kw == Kw.None)
            {
                // "London Stock Exchange".
                end++;
                continue;
            }
            else
            {
                break;
            }

            if (item.Possessive)
            {
                break;
            }
        }

        // A name does not end on a connector.
        while (end > start && !(items[end - 1].Kind == ItemKind.Word && items[end - 1].Cap))
        {
            end--;
        }

        // "Tata Motors Ltd.", "Neurocrine Bio. stock": the period of an abbreviation belongs to the name.
        if (end > start && end < items.Count && items[end].IsPunct('.') && items[end].Start == items[end - 1].End
            && (Lexicon.CorporateSuffixWords.Contains(items[end - 1].Lower)
                || (end + 1 < items.Count && items[end + 1].Kind == ItemKind.Word && items[end + 1].Kw == Kw.Stock)))
        {
            end++;
        }

        return end;
    }

    private static void Merge(string sentence, List<Item> items, int start, int end)
    {
        var last = items[end - 1];
        var text = sentence[items[start].Start..(last.Kind == ItemKind.Punct ? last.End : last.Start + last.Text.Length)];
        var merged = new Item
        {
            Kind = ItemKind.Company,
            Start = items[start].Start,
            End = last.End,
            Text = text,
            Lower = text.ToLowerInvariant(),
            Cap = true,
            AllCaps = items[start].AllCaps,
            Possessive = last.Possessive,
            CompanyName = text,
        };
        items.RemoveRange(start, end - start);
        items.Insert(start, merged);
    }
}

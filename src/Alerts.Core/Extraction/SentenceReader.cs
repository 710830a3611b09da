using Alerts.Core.Ingest;

namespace Alerts.Core.Extraction;

/// <summary>
/// Turns the tokens of one sentence into <see cref="Item"/>s: firms and companies (longest name first, from the firm
/// directory, the company table and the names this text has introduced with a ticker), tickers in parentheses and
/// cashtags, rating phrases, amounts, "price target" and keywords.
/// </summary>
internal sealed class SentenceReader(FirmMatcher firms, CompanyDirectory companies)
{
    private const int MaxNameTokens = 7;
    private const int MaxKeyLength = 160;

    public List<Item> Read(string sentence, List<Token> tokens, TextContext context)
    {
        var items = new List<Item>(tokens.Count);
        var n = tokens.Count;
        var k = 0;
        while (k < n)
        {
            var t = tokens[k];
            switch (t.Kind)
            {
                case TokKind.Punct when t.P is '(' or '<' or '[' && TryParenTicker(tokens, k, out var ticker, out var afterParen, out var abroad):
                    if (abroad)
                    {
                        AttachListingAbroad(sentence, items);
                    }
                    else
                    {
                        AttachTicker(sentence, items, ticker, context);
                    }

                    k = afterParen;
                    continue;
                case TokKind.Quote:
                    if (TryQuotedRating(sentence, tokens, k, out var quoted, out var afterQuote))
                    {
                        items.Add(quoted);
                        k = afterQuote;
                    }
                    else
                    {
                        items.Add(new Item { Kind = ItemKind.Quote, Start = t.Start, End = t.End, Text = "\"", Lower = "\"" });
                        k++;
                    }

                    continue;
                case TokKind.Cashtag:
                    var tag = NormalizeTicker(t.Text);
                    if (tag is not null)
                    {
                        context.AddTicker(tag);
                        items.Add(new Item
                        {
                            Kind = ItemKind.Company, Start = t.Start, End = t.End, Text = tag, Lower = t.Lower, Ticker = tag, Cap = true, AllCaps = true,
                            CompanyName = NameFor(tag, context), TickerFromParen = true,
                        });
                    }

                    k++;
                    continue;
                case TokKind.Word:
                    k = ReadWord(sentence, tokens, k, items, context);
                    continue;
                case TokKind.Money or TokKind.Number or TokKind.Percent:
                    items.Add(new Item
                    {
                        Kind = t.Kind switch { TokKind.Money => ItemKind.Money, TokKind.Number => ItemKind.Number, _ => ItemKind.Percent },
                        Start = t.Start, End = t.End, Text = t.Text, Lower = t.Lower, Amount = t.Amount, Currency = t.Currency, Magnitude = t.Magnitude,
                    });
                    k++;
                    continue;
                case TokKind.Arrow:
                    items.Add(new Item { Kind = ItemKind.Arrow, Kw = Kw.To, Start = t.Start, End = t.End, Text = "->", Lower = "->" });
                    k++;
                    continue;
                default:
                    items.Add(new Item { Kind = ItemKind.Punct, Kw = t.Kw, Start = t.Start, End = t.End, Text = t.Text, Lower = t.Lower, P = t.P });
                    k++;
                    continue;
            }
        }

        UnlistedCompanies.Mark(sentence, items);
        return items;
    }

    private int ReadWord(string sentence, List<Token> tokens, int k, List<Item> items, TextContext context)
    {
        var t = tokens[k];
        var n = tokens.Count;

        // "price target", "target price", "price objective", "price forecast", "price-target".
        if (t.Kw == Kw.Price && k + 1 < n && !t.Possessive
            && (tokens[k + 1].Kw == Kw.TargetWord || tokens[k + 1].Lower is "forecast" or "forecasts" or "estimate"))
        {
            items.Add(Span(sentence, tokens, k, k + 1, ItemKind.TargetWord, Kw.TargetWord));
            return k + 2;
        }

        if (IsFairValueTarget(tokens, k))
        {
            items.Add(Span(sentence, tokens, k, k + 1, ItemKind.TargetWord, Kw.TargetWord));
            return k + 2;
        }

        if (t.Kw == Kw.TargetWord && !(t.Text == "Target" && IsCompanyTarget(tokens, k)))
        {
            var end = k + 1 < n && tokens[k + 1].Kw == Kw.Price && !t.Possessive ? k + 1 : k;
            items.Add(Span(sentence, tokens, k, end, ItemKind.TargetWord, Kw.TargetWord));
            return end + 1;
        }

        if (t.Text == "Target" && IsCompanyTarget(tokens, k) && !(k + 1 < n && tokens[k + 1].IsPunct('('))
            && companies.TryGet(CompanyDirectory.Key("Target Corp."), out var retailer))
        {
            // The retailer, named alone: "Target price target raised ...", "Target's price target".
            items.Add(new Item
            {
                Kind = ItemKind.Company, Start = t.Start, End = t.End, Text = t.Text, Lower = t.Lower, Cap = true, Possessive = t.Possessive,
                Ticker = retailer.Ticker, CompanyName = t.Text,
            });
            return k + 1;
        }

        if ((t.Cap || t.HasUpper || MayBeLowerCaseName(tokens, k)) && TryEntity(sentence, tokens, k, context, out var entity, out var next))
        {
            items.Add(entity);
            return next;
        }

        if (t.AllCaps && IsStandaloneTicker(t, context, out var ticker))
        {
            items.Add(new Item
            {
                Kind = ItemKind.Company, Start = t.Start, End = t.Start + t.Text.Length, Text = t.Text, Lower = t.Lower, Ticker = ticker, Cap = true,
                AllCaps = true, Possessive = t.Possessive, CompanyName = NameFor(ticker, context),
            });
            return k + 1;
        }

        if (TryRating(sentence, tokens, k, out var rating, out var afterRating))
        {
            items.Add(rating);
            return afterRating;
        }

        items.Add(new Item
        {
            Kind = ItemKind.Word, Kw = t.Kw, Start = t.Start, End = t.End, Text = t.Text, Lower = t.Lower, Cap = t.Cap, AllCaps = t.AllCaps,
            Possessive = t.Possessive,
        });
        return k + 1;
    }

    /// <summary>
    /// "Target Corp." and "Target (TGT)" are the retailer, not a price target; so is the "Target" that owns a price target
    /// ("Target price target raised to $150 from $140 at Barclays", TheFly's shape) or is possessive ("Target's price target").
    /// </summary>
    private static bool IsCompanyTarget(List<Token> tokens, int k) =>
        k + 1 < tokens.Count && (tokens[k + 1].IsPunct('(') || (tokens[k + 1].IsWord && tokens[k + 1].Lower is "corp" or "corporation")
            || (tokens[k].Possessive && tokens[k + 1].Kw is Kw.Price or Kw.TargetWord or Kw.RatingNoun)
            || (k + 2 < tokens.Count && tokens[k + 1].Kw == Kw.Price && tokens[k + 2].Kw == Kw.TargetWord));

    /// <summary>
    /// "DZ BANK CUTS FAIR VALUE FOR BHP GROUP TO 1950 (2400) PENCE" (dpa-AFX): DZ Bank's and Morningstar's "fair value" is
    /// their price target when it is followed by "for", "of", "on", "to" or an amount; "downgrades to fair value," is a rating.
    /// </summary>
    private static bool IsFairValueTarget(List<Token> tokens, int k) =>
        k + 2 < tokens.Count && tokens[k].Lower == "fair" && tokens[k + 1].Lower == "value" && !tokens[k + 1].Possessive
            && (tokens[k + 2].Kw is Kw.For or Kw.Of or Kw.On or Kw.To || tokens[k + 2].Kind is TokKind.Money or TokKind.Number);

    private static Item Span(string sentence, List<Token> tokens, int first, int last, ItemKind kind, Kw kw)
    {
        var end = tokens[last].Start + tokens[last].Text.Length;
        var text = sentence[tokens[first].Start..end];
        return new Item
        {
            Kind = kind, Kw = kw, Start = tokens[first].Start, End = tokens[last].End, Text = text, Lower = text.ToLowerInvariant(),
            Cap = tokens[first].Cap, Possessive = tokens[last].Possessive,
        };
    }

    /// <summary>
    /// "lululemon Is Maintained at Outperform by Oppenheimer", "elf Beauty Is Maintained at Buy" (MarketBeat/Dow Jones
    /// headlines): a company that writes its name in lower case, where a name is expected: opening the headline or after
    /// a verb of change. Only a name of the company table is taken so.
    /// </summary>
    private static bool MayBeLowerCaseName(List<Token> tokens, int k) =>
        tokens[k].Kw == Kw.None && tokens[k].Text.Length >= 3 && char.IsLetter(tokens[k].Text[0])
            && (k == 0 || (tokens[k - 1].IsWord && Lexicon.IsChangeVerb(tokens[k - 1].Kw)));

    private static bool IsConnector(Token t) =>
        t.Lower is "of" or "and" or "de" or "du" or "des" or "la" or "le" or "van" or "von" or "der" or "den" or "the" or "y" or "e" or "for";

    private static bool StopsName(Kw kw) =>
        Lexicon.IsChangeVerb(kw) || kw is Kw.To or Kw.From or Kw.At or Kw.On or Kw.By or Kw.With or Kw.As or Kw.Into or Kw.Analyst
            or Kw.RatingNoun or Kw.Coverage or Kw.Be or Kw.Det or Kw.Article or Kw.Adverb or Kw.Neg or Kw.Modal or Kw.While or Kw.But;

    /// <summary>The longest firm or company name that starts at token <paramref name="k"/>.</summary>
    private bool TryEntity(string sentence, List<Token> tokens, int k, TextContext context, out Item item, out int next)
    {
        item = null!;
        next = k;
        var first = tokens[k];

        // "Affirm Holdings Is Maintained at Sector Perform": a verb may open a longer name, never be one alone.
        var verbFirst = Lexicon.IsChangeVerb(first.Kw) && first.Cap && !first.AllCaps && (k == 0 || tokens[k - 1].Kind == TokKind.Punct)
            && k + 1 < tokens.Count && tokens[k + 1].IsWord && tokens[k + 1].Cap && tokens[k + 1].Kw == Kw.None;
        if (StopsName(first.Kw) && first.Kw is not (Kw.Det or Kw.Article) && !verbFirst)
        {
            // A verb or a preposition does not start a name ("Upgrades", "On").
            return false;
        }

        Span<char> key = stackalloc char[MaxKeyLength];
        var length = 0;
        var bestEnd = -1;
        var bestCompany = default(CompanyName);
        var bestIsCompany = false;
        var bestFromTable = false;
        var bestIsFirm = false;
        var n = tokens.Count;
        for (var j = k; j < n && j < k + MaxNameTokens; j++)
        {
            var t = tokens[j];
            if (j > k)
            {
                if (tokens[j - 1].Possessive)
                {
                    break;
                }

                if (t.Kind == TokKind.Punct)
                {
                    if (t.P == '&')
                    {
                        if (!Append(key, ref length, "and"))
                        {
                            break;
                        }

                        continue;
                    }

                    if (t.P == ',' && j + 1 < n && tokens[j + 1].IsWord && tokens[j + 1].Cap && j + 2 < n && tokens[j + 2].IsPunct('&'))
                    {
                        continue;
                    }

                    if (t.P == '.' && t.Start == tokens[j - 1].End)
                    {
                        continue;
                    }

                    break;
                }

                if (t.Kind != TokKind.Word)
                {
                    break;
                }

                if (!(t.Cap || t.HasUpper))
                {
                    if (!IsConnector(t))
                    {
                        break;
                    }

                    if (!AppendKey(key, ref length, t.Text))
                    {
                        break;
                    }

                    continue;
                }

                if ((Lexicon.IsChangeVerb(t.Kw) || Lexicon.IsPreposition(t.Kw) || t.Kw is Kw.Be or Kw.Neg or Kw.Modal or Kw.While or Kw.But)
                    && !IsConnector(t))
                {
                    break;
                }
            }

            if (!AppendKey(key, ref length, t.Text))
            {
                break;
            }

            var span = key[..length];
            var inText = context.TryGetName(span, out var company);
            var isCompany = inText || companies.TryGet(span, out company);
            var isFirm = t.Cap && firms.IsKnown(span);
            if (isCompany || isFirm)
            {
                bestEnd = j;
                bestCompany = company;
                bestIsCompany = isCompany;
                bestFromTable = isCompany && !inText;
                bestIsFirm = isFirm;
            }
        }

        if (bestEnd < 0 || (verbFirst && bestEnd == k) || (!first.Cap && !first.HasUpper && !bestIsCompany))
        {
            return false;
        }

        // Only a leading "The" may be a connector-like first word; a name does not end on one.
        var last = bestEnd;
        if (bestIsCompany)
        {
            // "Apple Inc.", "Shell plc", "Johnson & Johnson & Co": the suffix belongs to the name.
            while (last + 1 < n)
            {
                var s = tokens[last + 1];
                if (tokens[last].Possessive)
                {
                    break;
                }

                if (s.IsWord && Lexicon.CorporateSuffixWords.Contains(s.Lower.TrimEnd('.')))
                {
                    last++;
                    continue;
                }

                if (s.IsPunct('&') && last + 2 < n && tokens[last + 2].IsWord && tokens[last + 2].Lower is "co" or "company")
                {
                    last += 2;
                    continue;
                }

                break;
            }
        }

        var textEnd = tokens[last].Start + tokens[last].Text.Length;

        // "Inc." keeps its period when it is glued on.
        if (last + 1 < n && tokens[last + 1].IsPunct('.') && tokens[last + 1].Start == textEnd && !tokens[last].Possessive
            && Lexicon.CorporateSuffixWords.Contains(tokens[last].Lower))
        {
            textEnd++;
            last++;
        }

        var text = sentence[first.Start..textEnd];
        var kind = bestIsCompany && bestIsFirm ? ItemKind.Amb : bestIsCompany ? ItemKind.Company : ItemKind.Firm;
        item = new Item
        {
            Kind = kind,
            Start = first.Start,
            End = tokens[last].End,
            Text = text,
            Lower = text.ToLowerInvariant(),
            Cap = true,
            AllCaps = bestEnd == k && first.AllCaps,
            Possessive = tokens[last].Possessive,
            Ticker = bestIsCompany && !(bestFromTable && companies.IsNotPlacedByName(bestCompany.Ticker)) ? bestCompany.Ticker : null,
            CompanyName = bestIsCompany ? text : null,
            ShortAlias = bestIsFirm && bestEnd == k && first.AllCaps && first.Text.Length <= 2,
        };
        next = last + 1;
        return true;
    }

    private static bool AppendKey(Span<char> key, ref int length, string text)
    {
        foreach (var c in text)
        {
            if (c == '&')
            {
                if (!Append(key, ref length, "and"))
                {
                    return false;
                }
            }
            else if (char.IsLetterOrDigit(c))
            {
                if (length >= key.Length)
                {
                    return false;
                }

                key[length++] = char.ToLowerInvariant(c);
            }
        }

        return true;
    }

    private static bool Append(Span<char> key, ref int length, string text)
    {
        if (length + text.Length > key.Length)
        {
            return false;
        }

        text.AsSpan().CopyTo(key[length..]);
        length += text.Length;
        return true;
    }

    private bool IsStandaloneTicker(Token t, TextContext context, out string ticker)
    {
        ticker = t.Text;
        if (t.Text.Length > 8 || Lexicon.NotTickers.Contains(t.Text))
        {
            return false;
        }

        if (context.Tickers.Contains(t.Text))
        {
            return true;
        }

        return t.Text.Length >= 2 && companies.IsWellKnownTicker(t.Text.AsSpan()) && t.Kw == Kw.None;
    }

    private string? NameFor(string ticker, TextContext context) =>
        context.LastCompany is { } last && last.Ticker == ticker ? last.Name : companies.NameOf(ticker);

    private static bool TryRating(string sentence, List<Token> tokens, int k, out Item item, out int next)
    {
        item = null!;
        next = k;
        Span<char> key = stackalloc char[64];
        var n = tokens.Count;
        var best = -1;
        var length = 0;
        for (var j = k; j < n && j < k + Lexicon.MaxRatingWords; j++)
        {
            var t = tokens[j];
            if (!t.IsWord || (j > k && tokens[j - 1].Possessive))
            {
                break;
            }

            foreach (var c in t.Text)
            {
                if (char.IsLetterOrDigit(c) && length < key.Length)
                {
                    key[length++] = char.ToLowerInvariant(c);
                }
            }

            if (Lexicon.RatingKeys.GetAlternateLookup<ReadOnlySpan<char>>().Contains(key[..length]))
            {
                best = j;
            }
        }

        if (best < 0)
        {
            return false;
        }

        item = Span(sentence, tokens, k, best, ItemKind.Rating, Kw.None);
        next = best + 1;
        return true;
    }

    /// <summary>"a \"buy\" rating", "to 'strong-buy'", "\"buy (b)\"": a quoted rating phrase.</summary>
    private static bool TryQuotedRating(string sentence, List<Token> tokens, int k, out Item item, out int next)
    {
        item = null!;
        next = k;
        var n = tokens.Count;
        var close = -1;
        for (var j = k + 1; j < n && j <= k + 7; j++)
        {
            if (tokens[j].Kind == TokKind.Quote)
            {
                close = j;
                break;
            }

            if (!(tokens[j].IsWord || tokens[j].Kind == TokKind.Punct && tokens[j].P is '(' or ')' or '-' or '+' or '/'))
            {
                return false;
            }
        }

        if (close <= k + 1)
        {
            return false;
        }

        var followedByRating = close + 1 < n && tokens[close + 1].Kw == Kw.RatingNoun;
        var firstKey = RatingKey(tokens, k + 1, k + 2);
        var allKey = RatingKey(tokens, k + 1, close);
        var lookup = Lexicon.RatingKeys.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!(lookup.Contains(allKey) || (lookup.Contains(firstKey) && close - k <= 5) || (followedByRating && close - k <= 4)))
        {
            return false;
        }

        var start = tokens[k + 1].Start;
        var end = tokens[close - 1].End;
        var text = sentence[start..end].Trim();
        item = new Item { Kind = ItemKind.Rating, Start = tokens[k].Start, End = tokens[close].End, Text = text, Lower = text.ToLowerInvariant(), Quoted = true, Cap = true };
        next = close + 1;
        return true;
    }

    private static string RatingKey(List<Token> tokens, int from, int to)
    {
        var chars = new List<char>(24);
        for (var j = from; j < to; j++)
        {
            if (!tokens[j].IsWord)
            {
                if (j == from)
                {
                    continue;
                }

                // "buy (b)": the grade in parentheses is not part of the word.
                if (tokens[j].P == '(')
                {
                    break;
                }

                continue;
            }

            foreach (var c in tokens[j].Text)
            {
                if (char.IsLetterOrDigit(c))
                {
                    chars.Add(char.ToLowerInvariant(c));
                }
            }
        }

        return new string(chars.ToArray());
    }

    /// <summary>
    /// "(CIFR)", "(NASDAQ:LULU)", "(NYSE: BRK.B)", "(TSLA.O)", "(0700.HK)", "(TYO: 7203)", and Reuters' angle brackets:
    /// "* Agios Pharmaceuticals &lt;AGIO.O&gt;: Leerink raises target price to $51 from $38; outperform" (a Reuters research
    /// roundup line, as kept in a public test fixture).
    /// </summary>
    private static bool TryParenTicker(List<Token> tokens, int k, out string ticker, out int next, out bool abroad)
    {
        ticker = string.Empty;
        next = k;
        abroad = false;
        var n = tokens.Count;
        var closer = tokens[k].P switch { '<' => '>', '[' => ']', _ => ')' };
        var j = k + 1;
        var exchange = false;
        if (j < n && tokens[j].IsWord && Lexicon.Exchanges.Contains(tokens[j].Lower))
        {
            abroad = !Lexicon.UsExchanges.Contains(tokens[j].Lower);
            j++;
            if (j < n && tokens[j].IsWord && tokens[j].Lower is "american" or "arca" or "gs" or "gm" or "cm")
            {
                j++;
            }

            if (j < n && tokens[j].Kind == TokKind.Punct && tokens[j].P is ':' or '-')
            {
                j++;
            }

            exchange = true;
        }

        if (j >= n)
        {
            return false;
        }

        var t = tokens[j];
        string raw;
        if (t.IsWord && (t.AllCaps || (exchange && !t.Text.Contains(' ')) || (char.IsDigit(t.Text[0]) && t.Text.Contains('.'))))
        {
            raw = t.Text;
        }
        else if (t.Kind == TokKind.Number && exchange && !t.Text.Contains(',') && !t.Text.Contains('.'))
        {
            raw = t.Text;
        }
        else if (t.Kind == TokKind.Cashtag)
        {
            raw = t.Text;
        }
        else
        {
            return false;
        }

        j++;

        // "(LON: RR.)": London tickers are written with their period.
        if (j + 1 < n && tokens[j].IsPunct('.') && tokens[j + 1].IsPunct(closer))
        {
            j++;
        }

        if (j < n && tokens[j].IsPunct(closer))
        {
            next = j + 1;
        }
        else if (closer == ')' && j < n && tokens[j].Kind == TokKind.Punct && tokens[j].P is ',' or ';' or '/')
        {
            var close = -1;
            for (var c = j; c < n && c < j + 10; c++)
            {
                if (tokens[c].IsPunct(')'))
                {
                    close = c;
                    break;
                }
            }

            if (close < 0)
            {
                return false;
            }

            next = close + 1;
        }
        else
        {
            return false;
        }

        var normalized = NormalizeTicker(raw);
        if (normalized is null)
        {
            return false;
        }

        // "Rogers Communications Inc. (RCI.B-T)", "Aurora Cannabis Inc (ACB-T)": The Globe and Mail's Toronto (-T) and
        // TSX Venture (-X) listings.
        abroad |= !exchange && normalized.Length > 2 && (normalized.EndsWith("-T", StringComparison.Ordinal) || normalized.EndsWith("-X", StringComparison.Ordinal));

        // "<A.N>": a Reuters code is a ticker, even one that reads as a word.
        if (!exchange && !raw.Contains('.'))
        {
            if (Lexicon.NotTickers.Contains(normalized) || normalized.Length > 10)
            {
                return false;
            }
        }

        ticker = normalized;
        return true;
    }

    /// <summary>Upper case, "BRK/B" as "BRK.B", Reuters suffixes (.O, .OQ, .N) dropped; null when it is no ticker.</summary>
    internal static string? NormalizeTicker(string raw)
    {
        var text = raw.Trim().TrimEnd('.').Replace('/', '.').ToUpperInvariant();
        // ".US" is the US listing as Futu and others write it: "American Electric Power(AEP.US)".
        foreach (var ric in (ReadOnlySpan<string>)[".OQ", ".O", ".N", ".US"])
        {
            if (text.Length > ric.Length && text.EndsWith(ric, StringComparison.Ordinal))
            {
                text = text[..^ric.Length];
                break;
            }
        }

        if (!Tickers.TryNormalize(text, out var ticker, out _))
        {
            return null;
        }

        // A class or market suffix is letters ("BRK.B", "BF-B", "0700.HK"); "GLP-1" is no ticker.
        var separator = ticker.IndexOfAny(['.', '-']);
        if (separator >= 0)
        {
            var suffix = ticker.AsSpan(separator + 1);
            foreach (var c in suffix)
            {
                if (!char.IsLetter(c) && c is not ('.' or '-'))
                {
                    return null;
                }
            }
        }

        var hasLetter = false;
        foreach (var c in ticker)
        {
            hasLetter |= char.IsLetter(c);
        }

        return hasLetter || ticker.All(char.IsDigit) ? ticker : null;
    }

    /// <summary>Gives the ticker in parentheses to the name just before it, or to the capitalized words there.</summary>
    /// <summary>
    /// "Tesco (LON:TSCO)", "Moss Bros [LON:MOSB]", "Novartis (VTX:NOVN)": a listing on an exchange abroad is no US ticker.
    /// The name before it stays what the company table makes of it (Novartis is NVS); a name it does not know is a
    /// company with no listing here, whose change is listed as unresolved.
    /// </summary>
    private static void AttachListingAbroad(string sentence, List<Item> items)
    {
        if (items.Count > 0 && items[^1].Kind is ItemKind.Company or ItemKind.Amb)
        {
            items[^1].Kind = ItemKind.Company;
            items[^1].CompanyName ??= items[^1].Text;
            return;
        }

        var start = NameStart(items);
        if (start < items.Count)
        {
            MergeName(sentence, items, start, ticker: null);
        }
    }

    private void AttachTicker(string sentence, List<Item> items, string ticker, TextContext context)
    {
        context.AddTicker(ticker);
        if (items.Count > 0 && items[^1].IsEntity)
        {
            var entity = items[^1];
            entity.Kind = ItemKind.Company;
            entity.Ticker = ticker;
            entity.TickerFromParen = true;
            entity.CompanyName = entity.Text;
            Register(entity.Text, ticker, context);
            return;
        }

        var start = NameStart(items);
        if (start >= items.Count)
        {
            var position = items.Count > 0 ? items[^1].End : 0;
            items.Add(new Item
            {
                Kind = ItemKind.Company, Start = position, End = position, Text = ticker, Lower = ticker.ToLowerInvariant(), Ticker = ticker,
                TickerFromParen = true, Cap = true, AllCaps = true, CompanyName = null,
            });
            return;
        }

        Register(MergeName(sentence, items, start, ticker), ticker, context);
    }

    /// <summary>
    /// Where the name that ends the items so far begins (at most <see cref="MaxNameTokens"/> back); leading connectors and
    /// headline words are not part of it ("Why Cipher Mining (CIFR)"). <c>items.Count</c> when there is none.
    /// </summary>
    private static int NameStart(List<Item> items)
    {
        var start = items.Count;
        while (start > 0 && items.Count - start < MaxNameTokens && IsNamePart(items, start - 1))
        {
            start--;
        }

        while (start < items.Count && (items[start].Kind == ItemKind.Punct || !items[start].Cap || Lexicon.NameLeadWords.Contains(items[start].Lower)))
        {
            start++;
        }

        return start;
    }

    /// <summary>Replaces the items from <paramref name="start"/> on by one company item named as the text writes it; returns the name.</summary>
    private static string MergeName(string sentence, List<Item> items, int start, string? ticker)
    {
        var lastItem = items[^1];
        var nameEnd = lastItem.Kind == ItemKind.Word ? lastItem.Start + lastItem.Text.Length : lastItem.End;
        var name = sentence[items[start].Start..nameEnd].Trim();
        var merged = new Item
        {
            Kind = ItemKind.Company, Start = items[start].Start, End = lastItem.End, Text = name, Lower = name.ToLowerInvariant(), Ticker = ticker,
            TickerFromParen = ticker is not null, Cap = true, CompanyName = name, Possessive = lastItem.Possessive,
        };
        items.RemoveRange(start, items.Count - start);
        items.Add(merged);
        return name;
    }

    private static bool IsNamePart(List<Item> items, int index)
    {
        var item = items[index];
        var isLast = index == items.Count - 1;
        if (!isLast && item.Possessive)
        {
            return false;
        }

        switch (item.Kind)
        {
            case ItemKind.Word:
                if (item.Cap)
                {
                    return !StopsName(item.Kw) || item.Kw is Kw.Det or Kw.Article && item.Lower == "the";
                }

                return Lexicon.CorporateSuffixWords.Contains(item.Lower) || (!isLast && item.Lower is "of" or "and" or "de" or "the" or "for");
            case ItemKind.TargetWord or ItemKind.Rating:
                return item.Cap && !item.Text.Contains(' ');
            case ItemKind.Punct:
                return (!isLast && item.P is '&' or '-') || (item.P == '.' && index > 0 && items[index - 1].End == item.Start);
            case ItemKind.Company or ItemKind.Amb or ItemKind.Firm:
                // "Apple Hospitality REIT (APLE)", "Samsung Electronics (005930.KS)": a known name that starts a longer one.
                return !isLast && !item.Possessive && !item.TickerFromParen;
            default:
                return false;
        }
    }

    /// <summary>Remembers "Cipher Mining" (and "Cipher") as CIFR for the rest of the text.</summary>
    private void Register(string name, string ticker, TextContext context)
    {
        var company = new CompanyName(ticker, name);
        var key = CompanyDirectory.Key(name);
        context.AddName(key, company);
        var stripped = CompanyDirectory.StripSuffixes(key);
        if (stripped.Length != key.Length)
        {
            context.AddName(stripped.ToString(), company);
        }

        var space = name.IndexOf(' ');
        if (space <= 0)
        {
            return;
        }

        // "Apple Hospitality REIT" is also "Apple Hospitality".
        for (var end = name.LastIndexOf(' '); end > space; end = name.LastIndexOf(' ', end - 1))
        {
            context.AddName(CompanyDirectory.Key(name[..end]), company);
        }

        var firstWord = name[..space];
        var firstKey = CompanyDirectory.Key(firstWord);
        if (firstKey.Length >= 3 && char.IsUpper(firstWord[0]) && !Lexicon.GenericNameWords.Contains(firstKey)
            && !(Lexicon.Words.TryGetValue(firstKey, out var kw) && kw != Kw.None) && !firms.IsKnown(firstKey)
            && !(companies.TryGet(firstKey, out var other) && other.Ticker != ticker))
        {
            context.AddName(firstKey, company);
        }
    }
}

using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>
/// One clause of a sentence, the items from <c>start</c> (inclusive) to <c>end</c> (exclusive): which rating words and amounts are
/// ratings and targets, what each verb does, which name is the firm and which the company, and the changes they make.
/// </summary>
internal sealed class Clause
{
    private readonly FirmMatcher _firms;
    private readonly List<Item> _items;
    private readonly int _start;
    private readonly int _end;
    private readonly string _sentence;
    private readonly TextContext _context;
    private readonly List<Draft> _drafts;
    private readonly RatingAction? _previousAction;
    private readonly bool[] _acceptedRating;
    private readonly bool[] _targetAmount;
    private readonly VerbKind[] _verbs;
    private bool _hasCoverage;
    private bool _hasRatingNoun;
    private bool _hasTargetWord;
    private bool _hasAcceptedRating;
    private bool _hasTargetAmount;
    private bool _verbWords;

    public Clause(
        FirmMatcher firms, List<Item> items, int start, int end, string sentence, TextContext context, List<Draft> drafts, RatingAction? previousAction)
    {
        _previousAction = previousAction;
        _firms = firms;
        _items = items;
        _start = start;
        _end = end;
        _sentence = sentence;
        _context = context;
        _drafts = drafts;
        _acceptedRating = new bool[end - start];
        _targetAmount = new bool[end - start];
        _verbs = new VerbKind[end - start];
    }

    private Item? At(int p) => p >= _start && p < _end ? _items[p] : null;

    /// <summary>The nearest item before <paramref name="p"/> that is not an article, determiner, adverb or "new".</summary>
    private int PreviousSignificant(int p)
    {
        var q = p - 1;
        while (q >= _start && _items[q].Kind == ItemKind.Word && _items[q].Kw is Kw.Article or Kw.Det or Kw.Adverb or Kw.New)
        {
            q--;
        }

        return q;
    }

    /// <summary>Reads the clause; returns the action it stated (for a following clause that leaves its verb out).</summary>
    public RatingAction? Read()
    {
        ReadInto(out var action);
        return action;
    }

    private void ReadInto(out RatingAction? stated)
    {
        stated = null;
        if (_end <= _start)
        {
            return;
        }

        for (var p = _start; p < _end; p++)
        {
            var item = _items[p];
            _hasCoverage |= item.Kw == Kw.Coverage;
            _hasRatingNoun |= item.Kw == Kw.RatingNoun;
            _hasTargetWord |= item.Kind == ItemKind.TargetWord;
        }

        for (var p = _start; p < _end; p++)
        {
            if (_items[p].Kind == ItemKind.Rating && AcceptRating(p))
            {
                _acceptedRating[p - _start] = true;
                _hasAcceptedRating = true;
            }
        }

        for (var p = _start; p < _end; p++)
        {
            if (IsTargetAmount(p))
            {
                _targetAmount[p - _start] = true;
                _hasTargetAmount = true;
            }
        }

        var hasVerb = false;
        var verbWords = false;
        _verbWords = false;
        for (var p = _start; p < _end; p++)
        {
            var item = _items[p];
            if (item.Kind == ItemKind.Word && (Lexicon.IsChangeVerb(item.Kw) || item.Kw is Kw.Up or Kw.Down))
            {
                _verbs[p - _start] = Classify(p);
                hasVerb |= _verbs[p - _start] != VerbKind.None;
                verbWords |= item.Kw is not (Kw.Have or Kw.Rate or Kw.Set or Kw.Earn);
            }
        }

        _verbWords = verbWords;

        // Words of change that state none ("could be upgraded", "raises its GDP forecast"): nothing happened here.
        if (verbWords && !hasVerb)
        {
            NoteCompany(ResolveEntities(-1).Companies);
            return;
        }

        var (action, statementOnly) = DecideAction();
        stated = action;

        // "Upgrades: Apple (AAPL) to Buy at Jefferies; Nike (NKE) to Outperform at Bernstein": the verb is left out.
        if (!verbWords && !hasVerb && action is null && _previousAction is not null)
        {
            action = _previousAction;
            stated = action;
        }

        var mainVerb = -1;
        for (var p = _start; p < _end; p++)
        {
            if (_verbs[p - _start] != VerbKind.None)
            {
                mainVerb = p;
                break;
            }
        }

        var (firm, firmIndex, companies) = ResolveEntities(mainVerb);
        var analyst = FindAnalyst();
        UpdateFirmContext(firm);

        var blocked = false;
        var genericAnalysts = false;
        for (var p = _start; p < _end; p++)
        {
            blocked |= _items[p].Kw == Kw.Block;
            // "Analysts raised ...", "... was cut by analysts": unnamed analysts speak; "..., with analysts at its site" does not.
            genericAnalysts |= IsGenericAnalysts(p) && (mainVerb < 0 || p < mainVerb || At(p - 1)?.Kw == Kw.By);
        }

        var hasContent = hasVerb || _hasAcceptedRating || _hasTargetAmount;
        _context.TargetTopic |= _hasTargetAmount && _hasTargetWord;
        if (!hasContent)
        {
            NoteCompany(companies);
            return;
        }

        // The company this clause is about is the topic from now on, whoever speaks of it (a company with no listing
        // known here too: what follows is about it, not about the company before).
        if (companies.Count > 0)
        {
            _context.LastCompany = companies[^1].Ticker is { } topic ? new CompanyName(topic, companies[^1].CompanyName ?? companies[^1].Text) : null;
            _context.LastUnlistedCompany = companies[^1].Ticker is null ? companies[^1].CompanyName : null;
        }

        var firmName = firm?.Text ?? (firmIndex < 0 ? UnknownFirm(mainVerb) : null);
        var firmExplicit = firmName is not null;
        if (blocked && !firmExplicit)
        {
            return;
        }

        if (firmName is null)
        {
            if (!hasVerb || (genericAnalysts && _context.LastFirm is not null))
            {
                return;
            }

            // No firm named here nor before: the change is read all the same, and listed as unresolved, where a broker
            // plainly speaks without its name (see BrokerUnnamed).
            firmName = genericAnalysts ? null : _context.LastFirm;
            if (firmName is null && (companies.Count == 0 || !(_hasAcceptedRating || _hasTargetAmount) || !BrokerUnnamed(mainVerb)))
            {
                return;
            }
        }
        else
        {
            _context.LastFirm = firmName;
        }

        if (companies.Count == 0)
        {
            if (_context.LastUnlistedCompany is { } unlisted && _context.LastCompany is null && hasVerb)
            {
                // "HSBC upgraded Tata Motors' rating to "Buy" from "Hold" on Monday. However, the business reduced its price
                // forecast downward to Rs 840 from Rs 930" (Zee Business, 17 Mar 2025): still the company with no listing here.
                Emit(null, unlisted, firmName, analyst, action, _start, _end, statementOnly && !firmExplicit);
                return;
            }

            if (_context.LastCompany is not { } last || !hasVerb)
            {
                return;
            }

            Emit(last.Ticker, last.Name, firmName, analyst, action, _start, _end, statementOnly && !firmExplicit);
            return;
        }

        if (!hasVerb && !firmExplicit)
        {
            return;
        }

        if (companies.Count == 1)
        {
            Emit(companies[0].Ticker, companies[0].CompanyName, firmName, analyst, action, _start, _end, statementOnly && !firmExplicit);
            return;
        }

        EmitSeveral(companies, firmName, analyst, action, statementOnly && !firmExplicit);
    }

    /// <summary>A company named where nothing changed becomes the topic only if there is none yet (an article's first line).</summary>
    private void NoteCompany(List<Item> companies)
    {
        if (companies.Count > 0 && _context.LastCompany is null && companies[0].Ticker is not null)
        {
            _context.LastCompany = new CompanyName(companies[0].Ticker!, companies[0].CompanyName ?? companies[0].Text);
        }
        else if (companies.Count > 0 && _context.LastCompany is null && _context.LastUnlistedCompany is null && companies[0].CompanyName is { } unlisted)
        {
            // "COOKSON" heading City A.M.'s paragraph: a company with no listing here is the topic all the same.
            _context.LastUnlistedCompany = unlisted;
        }
    }

    private void UpdateFirmContext(Item? firm)
    {
        if (firm is not null)
        {
            _context.LastFirm = firm.Text;
        }
    }

    // ---- Ratings -------------------------------------------------------------------------------------------------

    private bool AcceptRating(int p)
    {
        var item = _items[p];
        if (item.Quoted)
        {
            return true;
        }

        var q = PreviousSignificant(p);
        var prev = At(q);
        var next = At(p + 1);
        if (next?.Kw == Kw.RatingNoun || next?.Kind == ItemKind.Arrow)
        {
            return true;
        }

        var nextOk = next is null
            || next.Kind is ItemKind.Punct or ItemKind.Firm or ItemKind.Amb or ItemKind.Company or ItemKind.Money or ItemKind.Quote
            || next.Kw is Kw.From or Kw.To or Kw.At or Kw.By or Kw.On or Kw.With or Kw.And or Kw.While or Kw.But or Kw.As or Kw.For or Kw.Which
            || (next.Kind == ItemKind.Word && Lexicon.IsChangeVerb(next.Kw))
            || next.Lower is "after" or "amid" or "citing" or "following" or "ahead" or "in" or "over" or "before" or "due" or "given" or "saying"
                or "says" or "said" or "says," or "noting" or "since" or "until" or "versus" or "vs" or "today" or "this" or "last";
        // A capitalized rating word right after "to", "as", "at" or a verb ("remains Overweight heading into earnings").
        var strongSlot = prev is not null && (prev.Kw is Kw.To or Kw.From or Kw.As or Kw.At || prev.Kind == ItemKind.Arrow
            || (prev.Kind == ItemKind.Word && Lexicon.IsChangeVerb(prev.Kw) && prev.Kw is not (Kw.Have or Kw.Set or Kw.Earn)));
        if (!nextOk && !(strongSlot && item.Cap && item.Text.Length > 1 && char.IsUpper(item.Text[0])))
        {
            return false;
        }

        if (prev is null || prev.Kind == ItemKind.Punct)
        {
            // ", Sector Perform", "; Outperform reiterated", "Neutral" at the start of a clause: capitalized only; or the
            // rating that closes a Reuters roundup line after a semicolon (see IsRoundupRatingTail).
            return item.Cap || IsRoundupRatingTail(p);
        }

        if (prev.Kind == ItemKind.Arrow || prev.Kw is Kw.To or Kw.From or Kw.As or Kw.At or Kw.With or Kw.Into or Kw.Of)
        {
            return true;
        }

        // "rates the stock Buy", "rated Apple Outperform": the rating after its object.
        if (item.Cap && (prev.Kw == Kw.Stock || prev.IsEntity))
        {
            for (var r = q - 1; r >= _start && r >= q - 3; r--)
            {
                if (_items[r].Kw is Kw.Rate or Kw.Have)
                {
                    return true;
                }

                if (!(_items[r].Kw is Kw.Det or Kw.Article or Kw.Adverb))
                {
                    break;
                }
            }
        }

        // "JPMorgan is now Overweight on Cipher Mining".
        if (item.Cap && prev.Kw == Kw.Be && next?.Kw == Kw.On)
        {
            return true;
        }

        if (prev.IsEntity)
        {
            // "UBS: Nike (NKE) Buy from Neutral".
            return item.Cap && next?.Kw == Kw.From;
        }

        return prev.Kind == ItemKind.Word && Lexicon.IsChangeVerb(prev.Kw);
    }

    /// <summary>
    /// "* Agios Pharmaceuticals &lt;AGIO.O&gt;: Leerink raises target price to $51 from $38; outperform" (a Reuters research
    /// roundup line): the rating, in lower case, is the last word, after a semicolon.
    /// </summary>
    private bool IsRoundupRatingTail(int p) => p == _end - 1 && At(p - 1)?.IsPunct(';') == true;

    /// <summary>The rating words of items [r0, r1): (from, to).</summary>
    private (string? From, string? To) Ratings(int r0, int r1)
    {
        int from = -1, to = -1, firstTo = -1, lastTo = -1, toCount = 0;
        for (var p = r0; p < r1; p++)
        {
            if (!_acceptedRating[p - _start])
            {
                continue;
            }

            var prev = At(PreviousSignificant(p));
            var next = At(p + 1);
            if (prev?.Kw == Kw.From)
            {
                if (from < 0)
                {
                    from = p;
                }
            }
            else if (prev?.Kind == ItemKind.Arrow)
            {
                if (to < 0)
                {
                    to = p;
                }
            }
            else if (next?.Kind == ItemKind.Arrow || (next?.Kw == Kw.To && At(p + 2) is { Kind: ItemKind.Rating } && _acceptedRating[p + 2 - _start]))
            {
                // "Equal Weight -> Underweight", "Neutral to Overweight".
                if (from < 0)
                {
                    from = p;
                }
            }
            else
            {
                toCount++;
                if (firstTo < 0)
                {
                    firstTo = p;
                }

                lastTo = p;
            }
        }

        if (to < 0)
        {
            to = firstTo;
        }

        // "reiterated its Equal Weight rating ... but moved it to Underweight": the first is where it was.
        if (from < 0 && toCount >= 2)
        {
            for (var v = firstTo + 1; v < lastTo; v++)
            {
                if (_verbs[v - _start] is VerbKind.Up or VerbKind.Down or VerbKind.Move)
                {
                    from = firstTo;
                    to = lastTo;
                    break;
                }
            }
        }

        return (from >= 0 ? RatingText(_items[from]) : null, to >= 0 ? RatingText(_items[to]) : null);
    }

    /// <summary>The rating as the text wrote it: the broker's words, verbatim ("buy", "Equal-Weight", "buy (b)").</summary>
    private static string RatingText(Item item) => item.Text;

    // ---- Targets -------------------------------------------------------------------------------------------------

    private bool IsTargetAmount(int p)
    {
        var item = _items[p];
        if (!item.IsAmount || item.Magnitude || item.Amount <= 0)
        {
            return false;
        }

        var next = At(p + 1);
        if (next is not null && !(next.Lower is "per" && IsTargetPerShare(p))
            && (next.Lower is "per" or "a" || next.Kw is Kw.Magnitude || (next.Kind == ItemKind.Word && next.Kw == Kw.PriceMove)))
        {
            return false;
        }

        var prev = At(PreviousSignificant(p));
        if (item.Kind == ItemKind.Number)
        {
            var slot = prev is not null && (prev.Kind is ItemKind.TargetWord or ItemKind.Arrow || prev.Kw is Kw.To or Kw.From);
            if (!slot || !_hasTargetWord || (item.Amount >= 1900 && item.Amount <= 2100 && decimal.Truncate(item.Amount) == item.Amount))
            {
                return false;
            }
        }

        // "$360 price target", "a new $260.00 price target".
        if (next?.Kind == ItemKind.TargetWord || (next?.Kw == Kw.Price && At(p + 2)?.Kind == ItemKind.TargetWord))
        {
            return true;
        }

        // Otherwise a target word must come first, with no share-price words in between ("closed at $13.40").
        for (var q = p - 1; q >= _start; q--)
        {
            var before = _items[q];
            if (before.Kind == ItemKind.TargetWord)
            {
                return true;
            }

            if (before.Kind == ItemKind.Word && before.Kw is Kw.PriceMove or Kw.Price && !(before.Lower == "per" && IsTargetPerShare(q - 1)))
            {
                return false;
            }

            // In an article about targets: "It lifted Cipher Mining (CIFR) to $18 from $12".
            if (_context.TargetTopic && !_hasTargetWord && before.Kind == ItemKind.Word && before.Kw is Kw.Raise or Kw.Lower
                && prev is not null && prev.Kw is Kw.To or Kw.From && item.Kind == ItemKind.Money)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// "with a target of Rs 2,070 per share", "raised its target price to Rs 1,450 per share" (Indian brokers' notes as
    /// Moneycontrol and CNBC-TV18 write them): an amount "per share" is a target when a target word comes just before it,
    /// past at most a preposition, "is" and an article; otherwise it is earnings or a dividend ("$1.20 per share").
    /// </summary>
    private bool IsTargetPerShare(int p)
    {
        if (At(p + 2)?.Lower is not ("share" or "shares"))
        {
            return false;
        }

        // Also "target cut to Rs 156 from Rs 171 per share", "Target: Cut to Rs 125 per share".
        for (var q = p - 1; q >= _start && q >= p - 6; q--)
        {
            var before = _items[q];
            if (before.Kind == ItemKind.TargetWord)
            {
                return true;
            }

            if (!(before.IsAmount || before.IsPunct(':')
                || (before.Kind == ItemKind.Word && before.Kw is Kw.Of or Kw.At or Kw.To or Kw.From or Kw.Be or Kw.Article or Kw.Det or Kw.New
                    or Kw.Raise or Kw.Lower or Kw.Move or Kw.Up or Kw.Down or Kw.Reit)
                || before.Lower is "unchanged" or "left" or "kept" or "held" or "steady"))
            {
                return false;
            }
        }

        return false;
    }

    private (decimal? From, decimal? To, string? Currency) Targets(int r0, int r1)
    {
        int from = -1, to = -1, bare = -1;
        for (var p = r0; p < r1; p++)
        {
            if (!_targetAmount[p - _start])
            {
                continue;
            }

            var prev = At(PreviousSignificant(p));
            var next = At(p + 1);
            if (prev?.Kw == Kw.By)
            {
                // "lowers PT by $5 to $95": a difference, not a target.
                continue;
            }

            if ((prev?.Kw == Kw.From && prev.Kind != ItemKind.Arrow) || At(p - 1)?.Lower is "prior" or "previous" or "previously" or "was" or "old" or "earlier")
            {
                if (from < 0)
                {
                    from = p;
                }
            }
            else if (prev?.Kind == ItemKind.Arrow)
            {
                if (to < 0)
                {
                    to = p;
                }
            }
            else if (next?.Kind == ItemKind.Arrow)
            {
                if (from < 0)
                {
                    from = p;
                }
            }
            else if (prev?.Kw == Kw.To)
            {
                if (to < 0)
                {
                    to = p;
                }
            }
            else if (bare < 0)
            {
                bare = p;
            }
        }

        if (to < 0)
        {
            to = bare;
        }
        else if (from < 0 && bare >= 0 && bare < to)
        {
            // "raises PT $12 to $18".
            from = bare;
        }

        if (to < 0 && from < 0)
        {
            return (null, null, null);
        }

        var currency = (to >= 0 ? _items[to].Currency : null) ?? (from >= 0 ? _items[from].Currency : null);
        if (currency is null)
        {
            for (var p = _start; p < _end && currency is null; p++)
            {
                if (_items[p].Kind == ItemKind.Money && !_items[p].Magnitude)
                {
                    currency = _items[p].Currency;
                }
            }
        }

        // Null when no amount says its currency ("from 950.00 to 1,050.00"): left to the change's listing, never guessed here.
        return (from >= 0 ? _items[from].Amount : null, to >= 0 ? _items[to].Amount : null, currency);
    }

    // ---- Verbs and the action -------------------------------------------------------------------------------------

    private VerbKind Classify(int p)
    {
        var item = _items[p];

        // "JPMorgan expects Apple to upgrade its iPhone lineup": an infinitive states no change.
        if (At(p - 1)?.Kw == Kw.To && IsBaseForm(item.Lower) && At(p - 2)?.Lower is not ("decided" or "moved" or "opted" or "chose" or "elected"))
        {
            return VerbKind.None;
        }

        // "could be upgraded", "does not expect to downgrade": no change stated.
        for (var q = p - 1; q >= _start && q >= p - 4; q--)
        {
            var before = _items[q];
            if (before.Kw is Kw.Neg or Kw.Modal)
            {
                return VerbKind.None;
            }

            if (!(before.Kind == ItemKind.Word && (before.Kw is Kw.Adverb or Kw.Be or Kw.To || before.Lower is "does" or "do" or "did" or "has" or "have")))
            {
                break;
            }
        }

        var hasRatingOrTarget = _hasAcceptedRating || _hasTargetAmount;
        switch (item.Kw)
        {
            case Kw.Up:
                return VerbKind.Up;
            case Kw.Down:
                return VerbKind.Down;
            case Kw.Init:
                return VerbKind.Init;
            case Kw.Start:
                // "Now Covered by JPMorgan": coverage starting, said the other way round.
                return _hasCoverage || _hasAcceptedRating || (item.Lower == "covered" && At(p + 1)?.Kw is Kw.By or Kw.At)
                    ? VerbKind.Init
                    : VerbKind.None;
            case Kw.Assume:
                // "Peloton assumed at In Line from Outperform at Evercore ISI" (TheFly): an analyst takes over coverage the
                // firm already had, often with its old rating; the coverage goes on, as after "reinstated" (issue 20).
                return _hasCoverage || _hasAcceptedRating ? VerbKind.Resume : VerbKind.None;
            case Kw.Reit:
                return _hasCoverage || hasRatingOrTarget || _hasRatingNoun || _hasTargetWord ? VerbKind.Reit : VerbKind.None;
            case Kw.Resume:
                return _hasCoverage || _hasAcceptedRating ? VerbKind.Resume : VerbKind.None;
            case Kw.Suspend:
                return _hasCoverage || _hasRatingNoun ? VerbKind.Suspend : VerbKind.None;
            case Kw.EndCoverage:
                return CoverageNear(p, 4) ? VerbKind.Suspend : VerbKind.None;
            case Kw.Drop:
                if (CoverageNear(p, 3))
                {
                    return VerbKind.Suspend;
                }

                return DirectionOf(p) switch
                {
                    Direction.Target => VerbKind.TargetLower,
                    Direction.Rating => VerbKind.Down,
                    _ => VerbKind.None,
                };
            case Kw.Raise:
                return DirectionOf(p) switch
                {
                    Direction.Target => VerbKind.TargetRaise,
                    Direction.Rating => VerbKind.Up,
                    _ => VerbKind.None,
                };
            case Kw.Lower:
                return DirectionOf(p) switch
                {
                    Direction.Target => VerbKind.TargetLower,
                    Direction.Rating => VerbKind.Down,
                    _ => VerbKind.None,
                };
            case Kw.Move:
                return DirectionOf(p) switch
                {
                    Direction.Target => VerbKind.TargetSet,
                    Direction.Rating => VerbKind.Move,
                    _ => VerbKind.None,
                };
            case Kw.Set or Kw.Earn:
                return hasRatingOrTarget ? VerbKind.Reit : VerbKind.None;
            case Kw.Have when At(p + 1)?.Lower is "steady" or "firm" or "flat" or "up" or "gains":
                // "Oklo stock holds steady as Goldman Sachs reiterates Neutral rating" (Investing.com): the share price, not a rating.
                return VerbKind.None;
            case Kw.Have or Kw.Rate:
                return hasRatingOrTarget ? VerbKind.Statement : VerbKind.None;
            default:
                return VerbKind.None;
        }
    }

    private static bool IsBaseForm(string lower) =>
        lower is "upgrade" or "downgrade" or "raise" or "lift" or "boost" or "cut" or "lower" or "reduce" or "trim" or "initiate" or "start"
            or "begin" or "launch" or "resume" or "reinstate" or "suspend" or "maintain" or "reiterate" or "keep" or "set" or "assume" or "drop"
            or "move" or "hike" or "increase" or "decrease" or "slash" or "bump" or "give" or "get" or "have";

    private bool CoverageNear(int p, int distance)
    {
        for (var q = Math.Max(_start, p - 2); q < _end && q <= p + distance; q++)
        {
            if (_items[q].Kw == Kw.Coverage)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether "raised"/"cut" at <paramref name="p"/> is about the rating or the price target.</summary>
    private Direction DirectionOf(int p)
    {
        // "Aptiv (APTV) Rating and Price Target Raised by Morgan Stanley" (GuruFocus): both moved; the rating's move is the action.
        if (At(p - 1)?.Kind == ItemKind.TargetWord && At(p - 2)?.Kw == Kw.And && At(p - 3)?.Kw == Kw.RatingNoun)
        {
            return Direction.Rating;
        }

        for (var q = p - 1; q >= _start && q >= p - 4; q--)
        {
            var item = _items[q];
            if (item.Kind == ItemKind.TargetWord)
            {
                return Direction.Target;
            }

            if (item.Kw == Kw.RatingNoun)
            {
                return Direction.Rating;
            }

            if (item.Kind == ItemKind.Word && item.Kw is Kw.Be or Kw.Adverb or Kw.Det or Kw.Article or Kw.Have)
            {
                continue;
            }

            break;
        }

        for (var q = p + 1; q < _end; q++)
        {
            var item = _items[q];
            if (item.Kind == ItemKind.TargetWord)
            {
                return Direction.Target;
            }

            if (item.Kw == Kw.RatingNoun || (item.Kind == ItemKind.Rating && _acceptedRating[q - _start]))
            {
                return Direction.Rating;
            }

            if (_targetAmount[q - _start])
            {
                return Direction.Target;
            }

            if (item.Kind == ItemKind.Word && (Lexicon.IsChangeVerb(item.Kw) || item.Kw is Kw.Up or Kw.Down) || item.IsPunct(';'))
            {
                break;
            }
        }

        return Direction.None;
    }

    private (RatingAction? Action, bool StatementOnly) DecideAction()
    {
        VerbKind coverage = VerbKind.None, rating = VerbKind.None, target = VerbKind.None;
        bool move = false, reit = false, statement = false, set = false;
        foreach (var verb in _verbs)
        {
            switch (verb)
            {
                case VerbKind.Init or VerbKind.Resume or VerbKind.Suspend when coverage == VerbKind.None:
                    coverage = verb;
                    break;
                case VerbKind.Up or VerbKind.Down when rating == VerbKind.None:
                    rating = verb;
                    break;
                case VerbKind.Move:
                    move = true;
                    break;
                case VerbKind.TargetRaise or VerbKind.TargetLower when target == VerbKind.None:
                    target = verb;
                    break;
                case VerbKind.TargetSet:
                    set = true;
                    break;
                case VerbKind.Reit:
                    reit = true;
                    break;
                case VerbKind.Statement:
                    statement = true;
                    break;
            }
        }

        if (coverage != VerbKind.None)
        {
            return (coverage switch
            {
                VerbKind.Init => RatingAction.Initiate,
                VerbKind.Resume => RatingAction.Resume,
                _ => RatingAction.Suspend,
            }, false);
        }

        if (rating != VerbKind.None)
        {
            return (rating == VerbKind.Up ? RatingAction.Upgrade : RatingAction.Downgrade, false);
        }

        // A rating moved without a word for the direction: the normalizer reads it from the ratings.
        if (move)
        {
            return (null, false);
        }

        if (target != VerbKind.None)
        {
            return (target == VerbKind.TargetRaise ? RatingAction.TargetRaise : RatingAction.TargetCut, false);
        }

        if (reit)
        {
            return (RatingAction.Reiterate, false);
        }

        if (set)
        {
            return (null, false);
        }

        return statement ? (RatingAction.Reiterate, true) : (null, false);
    }

    // ---- Firm and company ------------------------------------------------------------------------------------------

    private bool IsPassive(int v)
    {
        var item = _items[v];
        var q = v - 1;
        while (q >= _start && _items[q].Kw == Kw.Adverb)
        {
            q--;
        }

        var prev = At(q);
        if (prev is not null && (prev.Kw == Kw.Be || prev.Kind == ItemKind.TargetWord || prev.Kw == Kw.RatingNoun
            || (prev.Kw == Kw.Earn && ClauseReader.IsPastForm(item.Lower))))
        {
            return true;
        }

        if (!ClauseReader.IsPastForm(item.Lower))
        {
            return false;
        }

        var next = At(v + 1);
        return next is null || next.Kind is ItemKind.Punct or ItemKind.Rating or ItemKind.Money
            || next.Kw is Kw.To or Kw.From or Kw.At or Kw.By or Kw.As or Kw.With or Kw.On or Kw.Into or Kw.Adverb || next.Lower == "in";
    }

    private (Item? Firm, int FirmIndex, List<Item> Companies) ResolveEntities(int mainVerb)
    {
        var passive = mainVerb >= 0 && IsPassive(mainVerb);
        var firstAfterVerb = -1;
        if (mainVerb >= 0)
        {
            for (var p = mainVerb + 1; p < _end; p++)
            {
                if (_items[p].IsEntity)
                {
                    firstAfterVerb = p;
                    break;
                }
            }
        }

        // The subject: the name nearest before the verb ("Salesforce's rival Oracle was downgraded": Oracle).
        var subject = -1;
        for (var p = mainVerb - 1; p >= _start && mainVerb >= 0; p--)
        {
            if (_items[p].IsEntity)
            {
                subject = p;
                break;
            }
        }

        var count = _end - _start;
        var firmScore = new int[count];
        var companyScore = new int[count];
        var anyEntity = false;
        for (var p = _start; p < _end; p++)
        {
            var e = _items[p];
            if (!e.IsEntity)
            {
                continue;
            }

            anyEntity = true;
            var (f, c) = Score(p, mainVerb, passive, firstAfterVerb, subject);
            firmScore[p - _start] = f;
            companyScore[p - _start] = c;
        }

        var companies = new List<Item>();
        if (!anyEntity)
        {
            return (null, -1, companies);
        }

        // Names that can be either: decided by the sentence, then by the other names.
        var roles = new sbyte[count]; // 1 firm, 2 company, 0 none
        var anyFirm = false;
        var anyCompany = false;
        for (var p = _start; p < _end; p++)
        {
            var e = _items[p];
            var i = p - _start;
            if (e.Kind == ItemKind.Firm)
            {
                if (!e.ShortAlias || firmScore[i] >= 1)
                {
                    roles[i] = 1;
                    anyFirm = true;
                }
            }
            else if (e.Kind == ItemKind.Company)
            {
                roles[i] = 2;
                anyCompany = true;
            }
            else if (e.Kind == ItemKind.Amb && firmScore[i] != companyScore[i])
            {
                roles[i] = (sbyte)(firmScore[i] > companyScore[i] ? 1 : 2);
                anyFirm |= roles[i] == 1;
                anyCompany |= roles[i] == 2;
            }
        }

        for (var p = _start; p < _end; p++)
        {
            var i = p - _start;
            if (_items[p].Kind == ItemKind.Amb && roles[i] == 0)
            {
                roles[i] = (sbyte)(anyFirm && !anyCompany ? 2 : anyCompany && !anyFirm ? 1 : anyFirm ? 2 : 1);
                anyFirm |= roles[i] == 1;
                anyCompany |= roles[i] == 2;
            }
        }

        Item? firm = null;
        var firmIndex = -1;
        var best = int.MinValue;
        for (var p = _start; p < _end; p++)
        {
            if (roles[p - _start] == 1 && firmScore[p - _start] > best)
            {
                best = firmScore[p - _start];
                firm = _items[p];
                firmIndex = p;
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var bestCompany = -1;
        var bestCompanyScore = int.MinValue;
        for (var p = _start; p < _end; p++)
        {
            if (roles[p - _start] == 2 && seen.Add(_items[p].Ticker ?? _items[p].Lower))
            {
                companies.Add(_items[p]);
                if (companyScore[p - _start] > bestCompanyScore)
                {
                    bestCompanyScore = companyScore[p - _start];
                    bestCompany = companies.Count - 1;
                }
            }
        }

        // Several companies stay several only where each has facts of its own (see EmitSeveral); else the best one.
        if (companies.Count > 1 && !SeveralCompanies(companies))
        {
            var chosen = companies[bestCompany];
            companies.Clear();
            companies.Add(chosen);
        }

        return (firm, firmIndex, companies);
    }

    private (int Firm, int Company) Score(int p, int mainVerb, bool passive, int firstAfterVerb, int subject)
    {
        var e = _items[p];
        int firm = 0, company = 0;
        var q = p - 1;
        while (q >= _start && _items[q].Kind == ItemKind.Word && _items[q].Kw == Kw.Det && _items[q].Lower == "the")
        {
            q--;
        }

        var prev = At(q);
        var prevPrev = At(q - 1);
        var next = At(p + 1);
        if (e.TickerFromParen)
        {
            company += 5;
        }

        if (prev is not null)
        {
            switch (prev.Kw)
            {
                case Kw.At or Kw.By or Kw.From:
                    firm += 3;
                    break;
                case Kw.Of when prevPrev is not null && (prevPrev.Kw == Kw.Analyst || (prevPrev.Kind == ItemKind.Word && prevPrev.Cap && prevPrev.Kw == Kw.None)):
                    firm += 3;
                    break;
                case Kw.Of or Kw.On or Kw.For:
                    company += 3;
                    break;
            }
        }

        if (next is not null)
        {
            if (next.Kw == Kw.Analyst)
            {
                firm += 3;
            }
            else if (e.Possessive && next.Kind == ItemKind.Word && next.Cap && next.Kw == Kw.None && !next.AllCaps)
            {
                firm += 2;
            }
            else if (next.Kw == Kw.Stock)
            {
                company += 3;
            }
            else if (next.Kind == ItemKind.TargetWord || (e.Possessive && next.Kw == Kw.RatingNoun))
            {
                company += 2;
            }
        }

        if (mainVerb >= 0)
        {
            if (p == subject)
            {
                if (passive)
                {
                    company += 1;
                }
                else
                {
                    firm += 1;
                }
            }
            else if (p == firstAfterVerb && !passive)
            {
                company += 1;
            }
        }

        return (firm, company);
    }

    /// <summary>True when each company of the clause has its own rating or target, or they are one list ("Apple and Microsoft").</summary>
    private bool SeveralCompanies(List<Item> companies)
    {
        var each = true;
        for (var i = 0; i < companies.Count && each; i++)
        {
            var (r0, r1) = Segment(companies, i);
            var has = false;
            for (var p = r0; p < r1; p++)
            {
                has |= _acceptedRating[p - _start] || _targetAmount[p - _start];
            }

            each = has;
        }

        return each || IsList(companies);
    }

    private bool IsList(List<Item> companies)
    {
        for (var i = 1; i < companies.Count; i++)
        {
            var from = _items.IndexOf(companies[i - 1]);
            var to = _items.IndexOf(companies[i]);
            for (var p = from + 1; p < to; p++)
            {
                if (!(_items[p].Kw == Kw.And || _items[p].IsPunct(',')))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Items of the <paramref name="i"/>-th company's part: from it to the next company (the first part starts at the clause).</summary>
    private (int Start, int End) Segment(List<Item> companies, int i)
    {
        var start = i == 0 ? _start : _items.IndexOf(companies[i]);
        var end = i + 1 < companies.Count ? _items.IndexOf(companies[i + 1]) : _end;
        return (start, end);
    }

    private bool IsGenericAnalysts(int p)
    {
        var item = _items[p];
        if (item.Kw != Kw.Analyst || !item.Lower.EndsWith('s'))
        {
            return false;
        }

        var prev = At(p - 1);
        var next = At(p + 1);
        if (prev?.IsFirmCapable == true || (prev?.Kind == ItemKind.Word && prev.Lower == "research" && At(p - 2)?.IsFirmCapable == true))
        {
            return false;
        }

        return !(next is not null && next.Kw is Kw.At or Kw.Of or Kw.With or Kw.From && At(p + 2)?.IsFirmCapable == true);
    }

    /// <summary>
    /// "The bank upgraded Cipher Mining (CIFR) to overweight from neutral and raised its price target on the stock to $18
    /// from $12" (CoinDesk, 24 Nov 2025, its firm named in a paragraph before): a broker speaks, as "the bank", "the
    /// broker", "the brokerage" or "analysts", before the verb. Without one, a headline with no firm is an average or a
    /// rank, not a broker's call ("Keysight Technologies (KEYS) Price Target Increased by 10.08% to 216.73", "Medtronic
    /// (MDT) Upgraded to Buy: Here's Why"), and is not listed at all.
    /// </summary>
    private bool BrokerUnnamed(int mainVerb)
    {
        for (var p = _start; p < _end && (mainVerb < 0 || p < mainVerb); p++)
        {
            var item = _items[p];
            if (item.Kind == ItemKind.Word && (item.Kw == Kw.Analyst || item.Lower is "bank" or "broker" or "brokerage" or "brokers"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An unknown broker in a firm's place, known by its suffix ("at Lake Street Capital", "Acme Securities upgrades").</summary>
    private string? UnknownFirm(int mainVerb)
    {
        for (var p = _start; p < _end; p++)
        {
            var prev = At(p - 1);
            var strong = prev is not null && prev.Kw is Kw.At or Kw.By;
            var subject = p == _start || (prev?.Kind == ItemKind.Punct);
            if (!(strong || subject) || _items[p].Kind != ItemKind.Word || !_items[p].Cap || _items[p].Kw != Kw.None)
            {
                continue;
            }

            var end = p;
            while (end + 1 < _end && end - p < 4 && !_items[end].Possessive && _items[end + 1].Kind == ItemKind.Word && _items[end + 1].Cap
                && (_items[end + 1].Kw == Kw.None || Lexicon.BrokerSuffixWords.Contains(_items[end + 1].Lower)))
            {
                end++;
            }

            if (end == p || !Lexicon.BrokerSuffixWords.Contains(_items[end].Lower))
            {
                continue;
            }

            var after = At(end + 1);
            var isSubject = subject && mainVerb == end + 1 && !IsPassive(mainVerb);

            // "GLJ Research's Gordon Johnson ... kept his Sell rating".
            var possessiveOfAnalyst = _items[end].Possessive && after is { Kind: ItemKind.Word, Cap: true, Kw: Kw.None } && mainVerb > end;
            if (strong || isSubject || possessiveOfAnalyst || after?.Kw == Kw.Analyst)
            {
                return _sentence[_items[p].Start..(_items[end].Start + _items[end].Text.Length)];
            }
        }

        return null;
    }

    private string? FindAnalyst()
    {
        for (var p = _start; p < _end; p++)
        {
            var item = _items[p];
            string? name = null;
            if (item.Kind == ItemKind.Word && item.Kw == Kw.Analyst)
            {
                name = NameAt(p + 1);
            }
            else if (item.IsFirmCapable && item.Possessive)
            {
                name = NameAt(p + 1);
            }
            else if (item.Kw == Kw.Led && At(p + 1)?.Kw == Kw.By)
            {
                name = NameAt(p + 2);
            }

            if (name is not null)
            {
                return name;
            }
        }

        return null;
    }

    private string? NameAt(int p)
    {
        var end = p;
        while (end < _end && end - p < 3)
        {
            var item = _items[end];
            if (item.Kind != ItemKind.Word || !item.Cap || item.Kw != Kw.None || (item.AllCaps && item.Text.Length > 2) || item.Possessive && end == p)
            {
                break;
            }

            end++;
            if (item.Possessive)
            {
                break;
            }
        }

        if (end - p < 2)
        {
            return null;
        }

        return _sentence[_items[p].Start..(_items[end - 1].Start + _items[end - 1].Text.Length)];
    }

    // ---- Output ----------------------------------------------------------------------------------------------------

    private void Emit(string? ticker, string? company, string? firm, string? analyst, RatingAction? action, int r0, int r1, bool mergeOnly)
    {
        var (fromRating, toRating) = Ratings(r0, r1);
        var (fromTarget, toTarget, currency) = Targets(r0, r1);
        Add(new Draft
        {
            Action = Stated(action, fromRating, toRating),
            Ticker = ticker,
            Firm = firm,
            FirmKey = RatingsKey(firm),
            Company = company,
            Analyst = analyst,
            FromRating = fromRating,
            ToRating = toRating,
            FromTarget = fromTarget,
            ToTarget = toTarget,
            Currency = toTarget is null && fromTarget is null ? null : currency,
            Sentence = _sentence,
            MergeOnly = mergeOnly,
        });
    }

    /// <summary>
    /// The action to record. A clause without any verb that gives only the current rating ("Goldman Sachs: Buy Nvidia,
    /// price target $250") states it; left null, the normalizer would read it as coverage starting.
    /// </summary>
    private RatingAction? Stated(RatingAction? action, string? fromRating, string? toRating) =>
        action ?? (!_verbWords && fromRating is null && toRating is not null ? RatingAction.Reiterate : null);

    private void EmitSeveral(List<Item> companies, string? firm, string? analyst, RatingAction? action, bool mergeOnly)
    {
        var list = IsList(companies) && !EachHasFacts(companies);
        List<Item>? respective = null;
        if (list)
        {
            var amounts = new List<Item>();
            var says = false;
            for (var p = _start; p < _end; p++)
            {
                if (_targetAmount[p - _start])
                {
                    amounts.Add(_items[p]);
                }

                says |= _items[p].Lower == "respectively";
            }

            respective = says && amounts.Count == companies.Count ? amounts : null;
        }

        string? sharedRating = null;
        if (!list)
        {
            var (lastStart, lastEnd) = Segment(companies, companies.Count - 1);
            for (var p = lastStart; p < lastEnd; p++)
            {
                if (_items[p].Kw == Kw.Both)
                {
                    sharedRating = Ratings(lastStart, lastEnd).To;
                }
            }
        }

        for (var i = 0; i < companies.Count; i++)
        {
            var (r0, r1) = list ? (_start, _end) : Segment(companies, i);
            var segmentFirm = firm;
            if (!list)
            {
                for (var p = r0; p < r1; p++)
                {
                    var prev = At(p - 1);
                    if (_items[p].IsFirmCapable && _items[p] != companies[i] && prev is not null && prev.Kw is Kw.At or Kw.By or Kw.From)
                    {
                        segmentFirm = _items[p].Text;
                        break;
                    }
                }
            }

            var (fromRating, toRating) = Ratings(r0, r1);
            var (fromTarget, toTarget, currency) = Targets(r0, r1);
            if (respective is not null)
            {
                // "Coinbase and Robinhood ... with price targets of $400 and $60, respectively".
                (fromTarget, toTarget, currency) = (null, respective[i].Amount, respective[i].Currency ?? currency);
            }

            Add(new Draft
            {
                Ticker = companies[i].Ticker,
                Firm = segmentFirm,
                FirmKey = RatingsKey(segmentFirm),
                Company = companies[i].CompanyName,
                Analyst = analyst,
                Action = Stated(action, fromRating, toRating ?? sharedRating),
                FromRating = fromRating,
                ToRating = toRating ?? sharedRating,
                FromTarget = fromTarget,
                ToTarget = toTarget,
                Currency = toTarget is null && fromTarget is null ? null : currency,
                Sentence = _sentence,
                MergeOnly = mergeOnly,
            });
        }
    }

    private bool EachHasFacts(List<Item> companies)
    {
        for (var i = 0; i < companies.Count; i++)
        {
            var (r0, r1) = Segment(companies, i);
            var has = false;
            for (var p = r0; p < r1; p++)
            {
                has |= _acceptedRating[p - _start] || _targetAmount[p - _start];
            }

            if (!has)
            {
                return false;
            }
        }

        return true;
    }

    private string? RatingsKey(string? firm) => firm is null ? null : FirmDirectory.Key(_firms.Directory.Canonicalize(firm));

    private void Add(Draft draft)
    {
        foreach (var existing in _drafts)
        {
            if (existing.SameChangeAs(draft))
            {
                existing.MergeFrom(draft);
                return;
            }
        }

        if (!draft.MergeOnly)
        {
            _drafts.Add(draft);
        }
    }
}

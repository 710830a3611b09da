using System.Collections.Frozen;
using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>What a word means to the extractor.</summary>
internal enum Kw : byte
{
    None,

    // Verbs (and nouns) of a rating or coverage change.
    Up,
    Down,
    Init,
    Start,
    Assume,
    Reit,
    Resume,
    Suspend,
    EndCoverage,
    Drop,
    Raise,
    Lower,
    Move,
    Set,
    Earn,
    Have,
    Rate,

    // Other verbs that matter.
    PriceMove,
    Be,

    // Nouns.
    TargetWord,
    Price,
    RatingNoun,
    Coverage,
    Analyst,
    Stock,

    // Function words.
    To,
    From,
    At,
    As,
    By,
    On,
    Of,
    For,
    With,
    Into,
    Article,
    Det,
    And,
    While,
    But,
    Adverb,
    Neg,
    Modal,
    Block,
    Magnitude,
    Both,
    Led,
    New,
    Which,
}

internal static class Lexicon
{
    public static readonly FrozenDictionary<string, Kw> Words = BuildWords();

    /// <summary>Rating phrases (as <see cref="RatingScale.Key"/> keys) and the number of words of the longest.</summary>
    public static readonly FrozenSet<string> RatingKeys = BuildRatingKeys();

    public const int MaxRatingWords = 3;

    /// <summary>Stock exchange names seen before a ticker: "(NYSE: JNJ)", "(NASDAQ:LULU)", "(TSX: SHOP)".</summary>
    public static readonly FrozenSet<string> Exchanges = new[]
    {
        "nyse", "nasdaq", "nasdaqgs", "nasdaqgm", "nasdaqcm", "amex", "nysearca", "nyseamerican", "nysemkt", "arca", "bats", "cboe",
        "otc", "otcmkts", "otcqx", "otcqb", "otcpk", "pink", "tsx", "tsxv", "tsx-v", "cse", "neo", "lse", "lon", "aim", "asx", "hkex", "hkg", "sehk",
        "tyo", "tse", "jpx", "fra", "etr", "xetra", "epa", "ams", "ebr", "bit", "bme", "swx", "six", "vtx", "sto", "cph", "hel", "osl",
        "sgx", "krx", "kosdaq", "nse", "bse", "twse", "sse", "szse", "bmv", "bvmf", "b3", "jse", "tase", "euronext", "nyse american",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The <see cref="Exchanges"/> whose tickers are US listings (the SEC's list); the others are listings abroad.</summary>
    public static readonly FrozenSet<string> UsExchanges = new[]
    {
        "nyse", "nasdaq", "nasdaqgs", "nasdaqgm", "nasdaqcm", "amex", "nysearca", "nyseamerican", "nysemkt", "arca", "bats", "cboe",
        "otc", "otcmkts", "otcqx", "otcqb", "otcpk", "pink", "nyse american",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>All-caps words that are not tickers, whatever the table says.</summary>
    public static readonly FrozenSet<string> NotTickers = new[]
    {
        "A", "I", "AI", "PT", "PTS", "US", "U.S", "UK", "EU", "CEO", "CFO", "COO", "CTO", "IPO", "EPS", "ETF", "ETFS", "GDP", "FDA", "SEC", "USA",
        "TV", "PC", "EV", "EVS", "IT", "ON", "ALL", "NOW", "KEY", "LOW", "BIG", "FOR", "ARE", "HAS", "ONE", "TWO", "NEW", "OR", "AND", "THE",
        "BUY", "SELL", "HOLD", "ADD", "Q1", "Q2", "Q3", "Q4", "YOY", "QOQ", "FY", "AM", "PM", "ET", "EST", "GMT", "UTC", "NYSE", "NASDAQ",
        "BRIEF", "BUZZ", "UPDATE", "RPT", "CORRECTED", "EXCLUSIVE", "ANALYSIS", "WRAPUP", "TABLE", "NEWS", "ADR", "ADRS", "REIT", "LLC",
        "INC", "CORP", "PLC", "LTD", "AG", "SE", "NV", "SA", "CO", "GLP", "AUM", "NII", "ROE", "ROI", "FCF", "EBIT", "EBITDA", "CAGR", "API",
        "GPU", "GPUS", "CPU", "HBM", "DRAM", "NAND", "SAAS", "LNG", "OPEC", "WTI", "FX", "M&A", "R&D", "IRA", "FOMC", "FED", "ECB", "BOJ",
        "CNBC", "WSJ", "FT", "AP", "RTT", "NR", "OW", "UW", "EW", "UP", "DOWN", "TO", "AT", "BY", "OF", "IN", "AS", "IS", "BE", "IF", "SO",
        "NO", "NOT", "VS", "PE", "P/E", "CEOS", "AGM", "ESG", "NFL", "NBA", "UAW", "GM'S",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Words that end a company's name in the text ("Apple Inc.", "Shell plc"), kept with the name.</summary>
    public static readonly FrozenSet<string> CorporateSuffixWords = new[]
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "companies", "ltd", "limited", "plc", "llc", "lp", "se", "ag", "nv",
        "n.v", "sa", "s.a", "holdings", "holding", "group", "ab", "asa", "spa", "oyj", "kgaa", "bhd", "tbk",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Last words that mark an unknown name as a broker ("Lake Street Capital", "Acme Securities").</summary>
    public static readonly FrozenSet<string> BrokerSuffixWords = new[]
    {
        "securities", "capital", "markets", "research", "partners", "advisors", "advisers", "equities", "investments", "brokerage",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Words that start headlines but not names ("Why", "How"): dropped from the front of a name seen before a ticker.</summary>
    public static readonly FrozenSet<string> NameLeadWords = new[]
    {
        "why", "how", "what", "when", "where", "who", "here", "is", "are", "the", "new", "buy", "sell", "stock", "shares", "breaking",
        "update", "brief", "buzz", "exclusive", "analyst", "analysts", "watch", "top", "hot", "big", "report", "reports", "today", "should",
        "can", "will", "does", "did", "has", "have", "after", "before", "as", "while", "but", "and", "or", "also", "meanwhile", "separately",
        "finally", "additionally", "moreover", "however", "in", "on", "at", "for", "with", "by", "of", "to", "from", "said", "says",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Common first words that must not stand for a company on their own ("American", "First").</summary>
    public static readonly FrozenSet<string> GenericNameWords = new[]
    {
        "the", "first", "american", "america", "united", "general", "national", "international", "global", "new", "bank", "royal", "digital",
        "energy", "capital", "group", "holdings", "south", "north", "west", "east", "western", "eastern", "southern", "northern", "central",
        "pacific", "atlantic", "canadian", "china", "chinese", "japan", "japanese", "us", "u.s", "core", "advanced", "applied", "data", "home",
        "health", "medical", "real", "public", "citizens", "peoples", "universal", "standard", "premier", "summit", "alpha", "pioneer",
        "liberty", "freedom", "target", "price", "stock", "shares", "analyst", "analysts", "rating", "coverage", "morgan", "wells", "deutsche",
        "goldman", "bank", "credit", "trust", "financial", "technologies", "technology", "tech", "systems", "solutions", "software", "therapeutics",
        "pharmaceuticals", "pharma", "bio", "mining", "resources", "oil", "gas", "power", "motor", "motors", "air", "airlines", "foods", "brands",
        "world", "green", "blue", "red", "black", "white", "gold", "silver", "smart", "super", "great", "best", "big", "old", "select",
        "inc", "corp", "co", "ltd", "plc", "sa", "ag", "se", "nv", "year", "street", "wall", "market", "markets", "european", "asian", "india",
        "indian", "british", "french", "german", "swiss", "dutch", "korean", "taiwan", "hong", "kong", "brazil", "mexico", "mexican", "texas",
        "california", "florida", "york", "jersey", "carolina", "first", "second", "third", "one", "two", "three", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "q1", "q2", "q3", "q4",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Abbreviations after which a period does not end a sentence.</summary>
    public static readonly FrozenSet<string> Abbreviations = new[]
    {
        "inc", "corp", "co", "ltd", "llc", "plc", "mr", "mrs", "ms", "dr", "jr", "sr", "st", "no", "vs", "etc", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "dept", "gov", "sen", "rep", "ave", "bros", "cos", "mt",
        "ft", "fig", "e.g", "i.e", "u.s", "u.k", "a.m", "p.m", "n.v", "s.a", "ag", "se", "nv", "sa", "hldgs", "intl", "grp", "cap", "mkts", "sec",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Words that start a new sentence even after "Inc." ("... Apple Inc. The firm ...").</summary>
    public static readonly FrozenSet<string> SentenceStarters = new[]
    {
        "The", "It", "Its", "This", "That", "These", "Those", "They", "He", "She", "We", "In", "On", "At", "Shares",
        "Meanwhile", "Also", "Separately", "However", "Finally", "Additionally", "According", "Earlier", "Last", "Several",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsChangeVerb(Kw kw) => kw is Kw.Up or Kw.Down or Kw.Init or Kw.Start or Kw.Assume or Kw.Reit or Kw.Resume
        or Kw.Suspend or Kw.EndCoverage or Kw.Drop or Kw.Raise or Kw.Lower or Kw.Move or Kw.Set or Kw.Earn or Kw.Have or Kw.Rate;

    public static bool IsPreposition(Kw kw) => kw is Kw.To or Kw.From or Kw.At or Kw.As or Kw.By or Kw.On or Kw.Of or Kw.For or Kw.With or Kw.Into;

    private static FrozenDictionary<string, Kw> BuildWords()
    {
        var words = new Dictionary<string, Kw>(StringComparer.Ordinal);

        void Add(Kw kw, params string[] forms)
        {
            foreach (var form in forms)
            {
                words[form] = kw;
            }
        }

        // Regular verbs: base, -s, -ed, -ing (spelled out where the spelling changes).
        void Verb(Kw kw, params string[] bases)
        {
            foreach (var b in bases)
            {
                var stem = b.EndsWith('e') ? b[..^1] : b;
                Add(kw, b, b.EndsWith('s') || b.EndsWith("sh", StringComparison.Ordinal) || b.EndsWith("ch", StringComparison.Ordinal) ? b + "es" : b + "s", stem + "ed", stem + "ing");
            }
        }

        Verb(Kw.Up, "upgrade");
        Add(Kw.Up, "up-grade", "up-grades", "up-graded", "upgrades", "upgraded", "double-upgrade", "double-upgrades", "double-upgraded");
        Verb(Kw.Down, "downgrade");
        Add(Kw.Down, "down-grade", "down-grades", "down-graded", "double-downgrade", "double-downgrades", "double-downgraded");
        Verb(Kw.Init, "initiate", "reinitiate");
        Add(Kw.Init, "initiation", "initiations", "inits");
        words["reinitiate"] = Kw.Resume;
        words["reinitiates"] = Kw.Resume;
        words["reinitiated"] = Kw.Resume;
        words["reinitiating"] = Kw.Resume;
        Add(Kw.Resume, "re-initiates", "re-initiated", "re-initiate");
        Verb(Kw.Start, "start", "launch", "commence");
        Add(Kw.Start, "begin", "begins", "began", "begun", "beginning", "covered");
        Verb(Kw.Assume, "assume");
        Verb(Kw.Reit, "reiterate", "reaffirm", "affirm", "maintain", "retain", "reissue", "restate", "reconfirm", "confirm", "repeat", "re-iterate");
        Add(Kw.Reit, "keep", "keeps", "kept", "keeping", "reiteration", "reiterations", "sticks", "stuck", "stays", "stayed", "remains");
        Verb(Kw.Resume, "resume", "reinstate", "reinstitute", "restart", "reassume");
        Add(Kw.Resume, "resumption", "reinstatement");
        Verb(Kw.Suspend, "suspend", "terminate", "discontinue");
        Add(Kw.Suspend, "suspension", "termination");
        Add(Kw.EndCoverage, "ends", "ended", "ceases", "ceased", "halts", "halted", "withdraws", "withdrew", "withdrawn", "removes", "removed", "stops", "stopped");
        Add(Kw.Drop, "drops", "dropped", "drop");
        Verb(Kw.Raise, "raise", "lift", "boost", "increase", "hike", "elevate", "bump");
        Add(Kw.Raise, "ups", "upped", "upping", "lifts", "raises");
        Verb(Kw.Lower, "lower", "reduce", "decrease", "slash", "trim", "pare", "chop", "shave");
        Add(Kw.Lower, "cut", "cuts", "cutting", "trims", "trimmed", "trimming", "slashes", "reduction", "lops", "lopped");
        Verb(Kw.Move, "move", "adjust", "revise", "update", "tweak", "shift", "flip");
        Add(Kw.Move, "moves", "switched", "flipped", "flips");
        Add(Kw.Set, "set", "sets", "setting", "give", "assign", "issue", "announce", "establish", "slap", "announces", "announced", "issues", "issued", "establishes", "established", "places", "placed",
            "pegs", "pegged", "assigns", "assigned", "assigning", "gives", "gave", "given", "giving", "slaps", "slapped", "puts");
        Add(Kw.Earn, "earns", "earned", "receives", "received", "gets", "got", "get", "receive", "earn", "garners", "garnered", "wins", "won", "lands", "landed");
        Add(Kw.Have, "has", "have", "had", "holds", "held", "carries", "carried", "having");
        Add(Kw.Rate, "rates", "rated");

        Add(Kw.PriceMove, "rose", "rises", "rise", "rising", "fell", "falls", "fall", "falling", "jumped", "jumps", "jump", "jumping", "gained", "gains",
            "climbed", "climbs", "slid", "slides", "slipped", "slips", "closed", "closes", "close", "closing", "traded", "trades", "trading", "opened",
            "rallied", "rallies", "surged", "surges", "soared", "soars", "sank", "sinks", "tumbled", "tumbles", "plunged", "plunges", "dipped", "dips",
            "declined", "declines", "advanced", "advances", "lost", "loses", "spiked", "popped", "tanked", "edged", "hit", "touched", "reached",
            "valued", "worth", "priced", "costs", "cost", "paid", "pays", "sold", "bought", "buys", "acquire", "acquires", "acquired", "offer",
            "offers", "offered", "revenue", "sales", "earnings", "dividend", "dividends", "profit", "loss", "eps", "guidance", "quarter", "per");

        Add(Kw.Be, "was", "were", "is", "are", "been", "being", "be", "'s");

        Add(Kw.TargetWord, "target", "targets", "pt", "pts", "tgt", "price-target", "price-targets", "objective", "objectives", "p/t");
        Add(Kw.Price, "price", "prices");
        Add(Kw.RatingNoun, "rating", "ratings", "recommendation", "call", "view", "stance");
        Add(Kw.Coverage, "coverage");
        Add(Kw.Analyst, "analyst", "analysts", "strategist", "strategists", "researchers", "researcher");
        Add(Kw.Stock, "stock", "stocks", "shares", "share", "equity", "adr", "adrs");

        Add(Kw.To, "to", "->", "→", "towards", "toward");
        Add(Kw.From, "from");
        Add(Kw.At, "at");
        Add(Kw.As, "as");
        Add(Kw.By, "by");
        Add(Kw.On, "on", "upon");
        Add(Kw.Of, "of");
        Add(Kw.For, "for");
        Add(Kw.With, "with");
        Add(Kw.Into, "into");
        Add(Kw.Article, "a", "an");
        Add(Kw.Det, "the", "its", "their", "his", "her", "our", "it", "them", "this", "that");
        Add(Kw.And, "and", "&");
        Add(Kw.While, "while", "whereas", "whilst");
        Add(Kw.But, "but", "though", "although");
        Add(Kw.Adverb, "also", "separately", "meanwhile", "additionally", "finally", "then", "now", "currently", "presently", "today", "again",
            "still", "further", "likewise", "similarly", "moreover", "earlier", "previously", "formally", "officially");
        Add(Kw.Neg, "not", "no", "never", "didn't", "doesn't", "won't", "n't", "without");
        Add(Kw.Modal, "could", "may", "might", "would", "should", "can", "will", "consider", "considering", "considers", "expect", "expects", "expected");
        Add(Kw.Block, "consensus", "average", "median", "mean", "avg");
        Add(Kw.Magnitude, "billion", "bn", "million", "mln", "mn", "trillion", "tn", "thousand", "k", "b", "m");
        Add(Kw.Both, "both", "all", "each");
        Add(Kw.Led, "led");
        Add(Kw.New, "new", "fresh", "higher", "lower-than", "revised", "street-high", "street-low", "12-month", "one-year", "1-year", "year-end", "12-mo");
        Add(Kw.Which, "which", "who", "that's");

        return words.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenSet<string> BuildRatingKeys()
    {
        string[] phrases =
        [
            "Strong Buy", "Top Pick", "Conviction Buy", "Strong Outperform", "Conviction List",
            "Buy", "Overweight", "Outperform", "Positive", "Market Outperform", "Sector Outperform", "Speculative Buy", "Accumulate", "Add",
            "Outperformer", "Moderate Buy", "Long-Term Buy", "Industry Outperform", "Above Average", "Overperform",
            "Hold", "Neutral", "Equal Weight", "Market Perform", "In Line", "Sector Perform", "Peer Perform", "Sector Weight", "Perform",
            "Market Weight", "Sector Neutral", "Industry Perform", "Mixed", "Fair Value", "Market Neutral", "Industry Neutral",
            "Underweight", "Underperform", "Sector Underperform", "Market Underperform", "Sell", "Negative", "Reduce", "Moderate Sell",
            "Industry Underperform", "Below Average", "Underperformer", "Strong Sell", "Conviction Sell", "Sector Underweight",
            "Speculative Hold", "Tactical Buy",
        ];
        return phrases.Select(RatingScale.Key).ToFrozenSet(StringComparer.Ordinal);
    }
}

using Alerts.Core.Ingest;
using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>
/// Reads analyst rating changes from news text: a headline ("JPMorgan upgrades Cipher Mining (CIFR) to Overweight from
/// Neutral, raises PT to $18 from $12") or a whole article, in which a ticker is introduced once and referred to later by
/// name, and a firm is named once and implied after. Pure and thread-safe: one instance serves any number of callers.
/// <para>
/// Nothing is invented: a change whose company cannot be resolved to a ticker (from the text itself or the
/// <see cref="CompanyDirectory"/>), or whose firm is not named, is no change; <see cref="Read"/> lists it as unresolved. The action is the one the text states
/// (null where it states none, so that <see cref="RatingChangeNormalizer"/> infers it); ratings are the broker's words.
/// </para>
/// </summary>
public sealed class NewsTextExtractor
{
    private readonly SentenceReader _sentences;
    private readonly ClauseReader _clauses;

    public NewsTextExtractor(FirmDirectory firms, CompanyDirectory companies)
    {
        ArgumentNullException.ThrowIfNull(firms);
        ArgumentNullException.ThrowIfNull(companies);
        var matcher = new FirmMatcher(firms);
        _sentences = new SentenceReader(matcher, companies);
        _clauses = new ClauseReader(matcher);
    }

    /// <summary>The extractor over the built-in firm and company tables.</summary>
    public static NewsTextExtractor Default { get; } = new(FirmDirectory.Default, CompanyDirectory.Default);

    /// <summary>
    /// The rating changes stated in <paramref name="text"/>, one per ticker and firm, in the order they first appear.
    /// Each carries the sentence it was read from; <paramref name="publishedAt"/>, <paramref name="source"/> and
    /// <paramref name="url"/> are copied onto every change. The same as <see cref="Read"/>'s <c>Changes</c>.
    /// </summary>
    public IReadOnlyList<RatingChangeSubmission> Extract(string text, DateTimeOffset? publishedAt = null, string? source = null, string? url = null) =>
        Read(text, publishedAt, source, url).Changes;

    /// <summary>
    /// The rating changes stated in <paramref name="text"/> (as <see cref="Extract"/>), and beside them those it states but
    /// that could not be completed: a company with no listing known here, or no firm (<see cref="UnresolvedChange"/>).
    /// </summary>
    public ExtractionResult Read(string text, DateTimeOffset? publishedAt = null, string? source = null, string? url = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return ExtractionResult.Empty;
        }

        text = Markup.ToPlainText(text);
        var context = new TextContext();
        var drafts = new List<Draft>();
        foreach (var (start, length) in Tokenizer.Sentences(text))
        {
            var sentence = text.Substring(start, length);
            if (sentence.Contains('\n') || sentence.Contains('\r'))
            {
                // A sentence wrapped over lines reads (and is reported) as one line.
                sentence = string.Join(' ', sentence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            }

            var tokens = Tokenizer.Tokenize(sentence);
            if (tokens.Count == 0)
            {
                continue;
            }

            var items = _sentences.Read(sentence, tokens, context);

            // A question ("Is Tesla a buy?", "Apple upgraded by UBS?") states no change; it still sets the scene.
            var target = sentence.TrimEnd().EndsWith('?') ? new List<Draft>() : drafts;
            _clauses.ReadSentence(items, sentence, context, target);
        }

        if (drafts.Count == 0)
        {
            return ExtractionResult.Empty;
        }

        var changes = new List<RatingChangeSubmission>(drafts.Count);
        List<UnresolvedChange>? unresolved = null;
        foreach (var draft in drafts)
        {
            if (ToSubmission(draft, publishedAt, source, url) is { } submission)
            {
                changes.Add(submission);
            }
            else if (ToUnresolved(draft) is { } incomplete)
            {
                (unresolved ??= []).Add(incomplete);
            }
        }

        return new ExtractionResult(changes, (IReadOnlyList<UnresolvedChange>?)unresolved ?? []);
    }

    private static RatingChangeSubmission? ToSubmission(Draft draft, DateTimeOffset? publishedAt, string? source, string? url)
    {
        if (!Tickers.TryNormalize(draft.Ticker, out var ticker, out _))
        {
            return null;
        }

        var fromTarget = Plausible(draft.FromTarget);
        var toTarget = Plausible(draft.ToTarget);
        if (draft.Currency is null && IsListedAbroad(ticker))
        {
            // "boosted their price objective for the company from 950.00 to 1,050.00" on "PNDORA.CO": the currency is not
            // said and is not the dollar's; the targets are left empty rather than guessed.
            (fromTarget, toTarget) = (null, null);
        }

        var fromRating = Limit(draft.FromRating, IngestLimits.MaxRatingLength);
        var toRating = Limit(draft.ToRating, IngestLimits.MaxRatingLength);
        if (draft.Action is null && fromRating is null && toRating is null && fromTarget is null && toTarget is null)
        {
            return null;
        }

        var firm = Limit(draft.Firm, IngestLimits.MaxNameLength);
        if (firm is null)
        {
            return null;
        }

        return new RatingChangeSubmission
        {
            Ticker = ticker,
            Firm = firm,
            Company = Limit(draft.Company, IngestLimits.MaxNameLength),
            Analyst = Limit(draft.Analyst, IngestLimits.MaxNameLength),
            Action = draft.Action,
            FromRating = fromRating,
            ToRating = toRating,
            FromTarget = fromTarget,
            ToTarget = toTarget,
            Currency = fromTarget is null && toTarget is null ? null : draft.Currency ?? RatingChangeNormalizer.DefaultCurrency,
            PublishedAt = publishedAt,
            Source = source,
            Url = url,
            Sentence = draft.Sentence,
        };
    }

    /// <summary>A draft that is no change because its ticker or firm is missing, with what it read; null when it read too little.</summary>
    private static UnresolvedChange? ToUnresolved(Draft draft)
    {
        var fromTarget = Plausible(draft.FromTarget);
        var toTarget = Plausible(draft.ToTarget);
        var fromRating = Limit(draft.FromRating, IngestLimits.MaxRatingLength);
        var toRating = Limit(draft.ToRating, IngestLimits.MaxRatingLength);
        if (draft.Action is null && fromRating is null && toRating is null && fromTarget is null && toTarget is null)
        {
            return null;
        }

        var hasTicker = Tickers.TryNormalize(draft.Ticker, out var ticker, out _);
        var firm = Limit(draft.Firm, IngestLimits.MaxNameLength);
        var company = Limit(draft.Company, IngestLimits.MaxNameLength) ?? (hasTicker ? ticker : null);
        if (company is null || (hasTicker && firm is not null))
        {
            return null;
        }

        // The currency as written, or none: with no listing known, not even the default can be assumed.
        var currency = fromTarget is null && toTarget is null ? null : draft.Currency;
        return new UnresolvedChange
        {
            Missing = (hasTicker, firm is null) switch
            {
                (false, true) => [UnresolvedChange.MissingTicker, UnresolvedChange.MissingFirm],
                (false, false) => [UnresolvedChange.MissingTicker],
                _ => [UnresolvedChange.MissingFirm],
            },
            Company = company,
            Ticker = hasTicker ? ticker : null,
            Firm = firm,
            Analyst = Limit(draft.Analyst, IngestLimits.MaxNameLength),
            // As for a change, the action the facts show (the normalizer's rule), so that both lists read alike.
            Action = ActionInference.Infer(
                draft.Action, fromRating, RatingScale.Classify(fromRating), toRating, RatingScale.Classify(toRating), fromTarget, toTarget),
            FromRating = fromRating,
            ToRating = toRating,
            FromTarget = fromTarget,
            ToTarget = toTarget,
            Currency = currency == "GBX" ? "GBp" : currency,
            Sentence = draft.Sentence,
        };
    }

    /// <summary>A ticker with a market suffix of two letters or more ("PNDORA.CO", "ROG.S" is one letter: Reuters' Swiss; "0700.HK"), not a share class ("BRK.B").</summary>
    private static bool IsListedAbroad(string ticker)
    {
        var dot = ticker.LastIndexOf('.');
        return dot > 0 && (ticker.Length - dot - 1 >= 2 || ticker.EndsWith(".S", StringComparison.Ordinal) || ticker.EndsWith(".L", StringComparison.Ordinal)
            || ticker.EndsWith(".T", StringComparison.Ordinal));
    }

    private static decimal? Plausible(decimal? target) => target is > 0 and <= IngestLimits.MaxTarget ? target : null;

    private static string? Limit(string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var tidy = string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return tidy.Length <= max ? tidy : null;
    }
}

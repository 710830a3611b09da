namespace Alerts.Core.Ratings;

/// <summary>Turns a validated submission into the one normalized form that is stored, matched and mailed.</summary>
public sealed class RatingChangeNormalizer(FirmDirectory firms)
{
    public const string DefaultCurrency = "USD";

    /// <summary>A sentence longer than this is kept cut (Table Storage strings hold 32K characters; nobody reads that much).</summary>
    public const int MaxSentenceLength = 1000;

    public RatingChange Normalize(RatingChangeSubmission submission, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(submission);

        var ticker = submission.Ticker.Trim().ToUpperInvariant();
        var firm = firms.Canonicalize(submission.Firm);
        var fromRating = Tidy(submission.FromRating);
        var toRating = Tidy(submission.ToRating);
        var fromLevel = RatingScale.Classify(fromRating);
        var toLevel = RatingScale.Classify(toRating);
        var action = ActionInference.Infer(
            submission.Action, fromRating, fromLevel, toRating, toLevel, submission.FromTarget, submission.ToTarget);
        var currency = string.IsNullOrWhiteSpace(submission.Currency) ? DefaultCurrency : submission.Currency.Trim().ToUpperInvariant();
        var publishedAt = submission.PublishedDate is { } date
            ? MarketDates.SortInstant(date)
            : (submission.PublishedAt ?? receivedAt).ToUniversalTime();

        return new RatingChange
        {
            Id = ContentId(ticker, firm, fromRating, toRating, submission.FromTarget, submission.ToTarget, currency, publishedAt),
            Ticker = ticker,
            Company = Tidy(submission.Company),
            Firm = firm,
            Analyst = Tidy(submission.Analyst),
            Action = action,
            FromRating = fromRating,
            ToRating = toRating,
            FromLevel = fromLevel,
            ToLevel = toLevel,
            FromTarget = submission.FromTarget,
            ToTarget = submission.ToTarget,
            Currency = currency,
            TargetChangePct = TargetChangePct(submission.FromTarget, submission.ToTarget),
            PublishedAt = publishedAt,
            PublishedDate = submission.PublishedDate,
            ReceivedAt = receivedAt.ToUniversalTime(),
            Source = Tidy(submission.Source),
            Url = Tidy(submission.Url),
            SenderId = Tidy(submission.SenderId),
            Sentence = Tidy(submission.Sentence) is { } sentence && sentence.Length > MaxSentenceLength ? sentence[..MaxSentenceLength] : Tidy(submission.Sentence),
        };
    }

    public static decimal? TargetChangePct(decimal? fromTarget, decimal? toTarget) =>
        fromTarget is > 0 && toTarget is { } to
            ? Math.Round((to - fromTarget.Value) / fromTarget.Value * 100m, 2, MidpointRounding.AwayFromZero)
            : null;

    /// <summary>
    /// The identity of a change's content: ticker, firm, the rating words, the targets and the day it was published.
    /// Two feeds reporting the same call the same day produce the same id, whatever they call the action.
    /// </summary>
    internal static string ContentId(
        string ticker, string firm, string? fromRating, string? toRating, decimal? fromTarget, decimal? toTarget,
        string currency, DateTimeOffset publishedAt)
    {
        var canonical = string.Join(
            '|',
            ticker,
            FirmDirectory.Key(firm),
            fromRating is null ? string.Empty : RatingScale.Key(fromRating),
            toRating is null ? string.Empty : RatingScale.Key(toRating),
            Amount(fromTarget),
            Amount(toTarget),
            currency,
            publishedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        return Ids.Digest(canonical, 20);
    }

    private static string Amount(decimal? value) =>
        value is { } v ? v.ToString("0.########", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;

    private static string? Tidy(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}

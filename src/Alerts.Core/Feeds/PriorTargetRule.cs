using Alerts.Core.Ratings;

namespace Alerts.Core.Feeds;

/// <summary>
/// A price-target record that gives only the new target (FMP's price-target news): its prior target is the same firm's
/// previous target on that ticker in our own history (from any source), published before it. Its action is what its
/// headline states, if it states one; otherwise none is given, and the normalizer infers it from the two targets (a raise,
/// a cut, or the same target kept). Nothing is defaulted: a first target from a firm with no headline action stays
/// without a prior target and without a stated action.
/// </summary>
public sealed class PriorTargetRule(FirmDirectory firms)
{
    /// <summary>
    /// Completes <paramref name="records"/> (all of one ticker, any order) against <paramref name="history"/> (the ticker's
    /// stored changes, any order). Records are taken oldest first, each one joining the history of the next, so two targets
    /// of one firm read in the same poll follow each other. Returns the records in their given order.
    /// </summary>
    public IReadOnlyList<RatingChangeSubmission> Apply(IReadOnlyList<RatingChangeSubmission> records, IEnumerable<RatingChange> history)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(history);

        var targets = history
            .Where(h => h.ToTarget is > 0 && h.CorrectionOf is null)
            .Select(h => new KnownTarget(FirmDirectory.Key(h.Firm), h.Currency, h.PublishedAt, h.ToTarget!.Value))
            .ToList();

        var result = records.ToArray();
        foreach (var index in Enumerable.Range(0, result.Length).OrderBy(i => result[i].PublishedAt ?? DateTimeOffset.MaxValue))
        {
            var record = result[index];
            if (record.ToTarget is not > 0 || record.PublishedAt is not { } published)
            {
                continue;
            }

            var firm = FirmDirectory.Key(firms.Canonicalize(record.Firm));
            var currency = string.IsNullOrWhiteSpace(record.Currency) ? RatingChangeNormalizer.DefaultCurrency : record.Currency.Trim().ToUpperInvariant();
            var prior = targets
                .Where(t => t.Firm == firm && t.Currency == currency && t.PublishedAt < published)
                .MaxBy(t => t.PublishedAt);
            if (record.FromTarget is null && prior is not null)
            {
                result[index] = record = record with { FromTarget = prior.Target };
            }

            targets.Add(new KnownTarget(firm, currency, published, record.ToTarget.Value));
        }

        return result;
    }

    private sealed record KnownTarget(string Firm, string Currency, DateTimeOffset PublishedAt, decimal Target);
}

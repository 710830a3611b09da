using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>Random rule sets, changes and index rows from a seeded <see cref="Random"/>, for comparing matching paths.</summary>
internal static class RandomRules
{
    private static readonly string[] FirmNames = ["JPMorgan", "Goldman Sachs", "Citi", "UBS", "Morgan Stanley", "B. Riley"];

    /// <summary>A rule set setting each rule with some chance; firm names in random case and order.</summary>
    public static SubscriberRules Rules(Random random) => new()
    {
        Actions = random.Next(3) == 0 ? [.. Pick(random, Enum.GetValues<RatingAction>())] : [],
        Firms = random.Next(4) == 0 ? [.. Pick(random, FirmNames).Select(f => Cased(random, f))] : [],
        ExcludeFirms = random.Next(5) == 0 ? [.. Pick(random, FirmNames).Select(f => Cased(random, f))] : [],
        MinTargetChangePct = random.Next(4) == 0 ? random.Next(0, 40) : null,
        MinRating = random.Next(5) == 0 ? (RatingLevel)random.Next(0, 6) : null,
        Direction = random.Next(5) == 0 ? (NewsDirection)random.Next(0, 3) : NewsDirection.Any,
        Paused = random.Next(10) == 0,
    };

    public static RatingChange Change(Random random)
    {
        decimal? from = random.Next(3) == 0 ? null : random.Next(5, 50);
        decimal? to = random.Next(3) == 0 ? null : random.Next(5, 50);
        return TestChanges.Bare((RatingAction)random.Next(0, 8), firm: FirmNames[random.Next(FirmNames.Length)]) with
        {
            ToLevel = (RatingLevel)random.Next(0, 6),
            FromTarget = from,
            ToTarget = to,
            TargetChangePct = RatingChangeNormalizer.TargetChangePct(from, to),
        };
    }

    /// <summary><paramref name="count"/> rows whose rules are drawn from <paramref name="ruleSets"/> (or each its own when null).</summary>
    public static List<Subscriber> Rows(Random random, int count, IReadOnlyList<SubscriberRules>? ruleSets) =>
        Enumerable.Range(0, count)
            .Select(i => new Subscriber($"sub-{i}", $"u{i}@example.com", ruleSets is null ? Rules(random) : Copy(ruleSets[random.Next(ruleSets.Count)])))
            .ToList();

    /// <summary>An equal rule set that is another object (as each index row read is).</summary>
    private static SubscriberRules Copy(SubscriberRules rules) => rules with { };

    private static IEnumerable<T> Pick<T>(Random random, IReadOnlyList<T> values) =>
        values.Where(_ => random.Next(3) == 0).DefaultIfEmpty(values[random.Next(values.Count)]).OrderBy(_ => random.Next());

    private static string Cased(Random random, string firm) => random.Next(3) switch
    {
        0 => firm.ToUpperInvariant(),
        1 => firm.ToLowerInvariant(),
        _ => firm,
    };
}

using Alerts.Core.Ratings;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>Normalizing rating changes: firm aliases, the rating scale, action inference, the content id.</summary>
[MemoryDiagnoser]
public class NormalizationBenchmarks
{
    private static readonly string[] Firms = ["J.P. Morgan", "BofA Securities", "Merrill Lynch", "Citigroup", "RBC Capital", "Evercore ISI", "Some Boutique LLC", "Goldman Sachs & Co."];
    private static readonly string[] Ratings = ["Overweight", "Neutral", "equal-weight", "Sector Perform", "Buy", "Underperform", "Top Pick", "Speculative Buy", "Hold"];

    private readonly RatingChangeNormalizer _normalizer = new(FirmDirectory.Default);
    private readonly DateTimeOffset _receivedAt = new(2025, 12, 2, 13, 30, 0, TimeSpan.Zero);
    private RatingChangeSubmission[] _submissions = [];

    /// <summary>Changes per benchmark invocation: results read as changes per second = N / mean time.</summary>
    public const int N = 1_000;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _submissions = Enumerable.Range(0, N).Select(i => new RatingChangeSubmission
        {
            Ticker = $"T{i % 97}",
            Firm = Firms[random.Next(Firms.Length)],
            FromRating = Ratings[random.Next(Ratings.Length)],
            ToRating = Ratings[random.Next(Ratings.Length)],
            FromTarget = random.Next(10, 500),
            ToTarget = random.Next(10, 500),
            SenderId = $"vendor-{i}",
            Source = "bench",
        }).ToArray();
    }

    [Benchmark(OperationsPerInvoke = N)]
    public int Normalize()
    {
        var checksum = 0;
        foreach (var submission in _submissions)
        {
            checksum += (int)_normalizer.Normalize(submission, _receivedAt).Action;
        }

        return checksum;
    }

    [Benchmark(OperationsPerInvoke = N)]
    public int ClassifyRatingWord()
    {
        var sum = 0;
        foreach (var submission in _submissions)
        {
            sum += (int)RatingScale.Classify(submission.ToRating);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = N)]
    public int CanonicalizeFirm()
    {
        var sum = 0;
        foreach (var submission in _submissions)
        {
            sum += FirmDirectory.Default.Canonicalize(submission.Firm).Length;
        }

        return sum;
    }
}

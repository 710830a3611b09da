using Alerts.Core.Extraction;
using Alerts.Core.Ratings;
using Xunit.Abstractions;

namespace Alerts.Core.Tests.Extraction;

/// <summary>
/// Field-level precision and recall of the extractor over the fixture files: ticker, firm (canonical), action (as the
/// normalizer infers it from the extracted facts), from/to rating, from/to target and currency.
/// </summary>
public class ExtractionQualityTests(ITestOutputHelper output)
{
    private const double MinPrecision = 0.95;
    private const double MinRecall = 0.90;

    [Fact]
    public void Fixtures_HeadlinesAndArticles_MeetPrecisionAndRecall()
    {
        var cases = ExtractionFixtures.Load(ExtractionFixtures.Headlines)
            .Concat(ExtractionFixtures.Load(ExtractionFixtures.Articles))
            .Concat(ExtractionFixtures.Load(ExtractionFixtures.Phrasings))
            .ToList();
        var score = ExtractionFixtures.Evaluate(NewsTextExtractor.Default, cases);
        Report(score, "headlines + articles + phrasings");

        Assert.True(score.Precision >= MinPrecision, $"precision {score.Precision:P1} < {MinPrecision:P0}");
        Assert.True(score.Recall >= MinRecall, $"recall {score.Recall:P1} < {MinRecall:P0}");
    }

    [Fact]
    public void Fixtures_Holdout_MeetPrecisionAndRecall()
    {
        var score = ExtractionFixtures.Evaluate(NewsTextExtractor.Default, ExtractionFixtures.Load(ExtractionFixtures.Holdout));
        Report(score, "held-out");

        Assert.True(score.Precision >= MinPrecision, $"precision {score.Precision:P1} < {MinPrecision:P0}");
        Assert.True(score.Recall >= MinRecall, $"recall {score.Recall:P1} < {MinRecall:P0}");
    }

    [Fact]
    public void Fixtures_Blind_MeetPrecisionAndRecall()
    {
        var score = ExtractionFixtures.Evaluate(
            NewsTextExtractor.Default,
            ExtractionFixtures.Load(ExtractionFixtures.Blind)
                .Concat(ExtractionFixtures.Load(ExtractionFixtures.Blind2))
                .Concat(ExtractionFixtures.Load(ExtractionFixtures.Blind3)));
        Report(score, "blind");

        Assert.True(score.Precision >= MinPrecision, $"precision {score.Precision:P1} < {MinPrecision:P0}");
        Assert.True(score.Recall >= MinRecall, $"recall {score.Recall:P1} < {MinRecall:P0}");
    }

    [Fact]
    public void Fixtures_RealStyles_MeetPrecisionAndRecall()
    {
        var score = ExtractionFixtures.Evaluate(NewsTextExtractor.Default, ExtractionFixtures.Load(ExtractionFixtures.RealStyles));
        Report(score, "real styles");

        Assert.True(score.Precision >= MinPrecision, $"precision {score.Precision:P1} < {MinPrecision:P0}");
        Assert.True(score.Recall >= MinRecall, $"recall {score.Recall:P1} < {MinRecall:P0}");
    }

    [Fact]
    public void Fixtures_RealStyles_ListEveryUnresolvedChangeAndNoOther()
    {
        var problems = new List<string>();
        var expectedCount = 0;
        foreach (var fixture in ExtractionFixtures.Load(ExtractionFixtures.RealStyles).Where(c => c.Unresolved is not null))
        {
            var read = NewsTextExtractor.Default.Read(fixture.Text).Unresolved.ToList();
            expectedCount += fixture.Unresolved!.Count;
            foreach (var expected in fixture.Unresolved)
            {
                var found = read.FirstOrDefault(u => string.Equals(u.Company, expected.Company, StringComparison.OrdinalIgnoreCase));
                if (found is null)
                {
                    problems.Add($"{fixture.Id}: missing {expected.Company}");
                    continue;
                }

                read.Remove(found);
                problems.AddRange(UnresolvedProblems(expected, found).Select(p => $"{fixture.Id}: {expected.Company}: {p}"));
            }

            problems.AddRange(read.Select(u => $"{fixture.Id}: unexpected {u.Company} ({string.Join(',', u.Missing)})"));
        }

        output.WriteLine($"real styles, unresolved: {expectedCount} expected, {problems.Count} problems");
        problems.ForEach(output.WriteLine);
        Assert.Empty(problems);
    }

    private static IEnumerable<string> UnresolvedProblems(ExpectedUnresolved expected, UnresolvedChange found)
    {
        if (!expected.Missing.SequenceEqual(found.Missing))
        {
            yield return $"missing {string.Join(',', found.Missing)}, expected {string.Join(',', expected.Missing)}";
        }

        if (expected.Firm is not null && FirmDirectory.Default.Canonicalize(expected.Firm) != FirmDirectory.Default.Canonicalize(found.Firm ?? string.Empty))
        {
            yield return $"firm {found.Firm}, expected {expected.Firm}";
        }

        if (expected.Action is not null && expected.Action != found.Action?.ToWireName())
        {
            yield return $"action {found.Action?.ToWireName()}, expected {expected.Action}";
        }

        if (expected.FromRating is not null && RatingScale.Key(expected.FromRating) != (found.FromRating is null ? null : RatingScale.Key(found.FromRating)))
        {
            yield return $"fromRating {found.FromRating}, expected {expected.FromRating}";
        }

        if (expected.ToRating is not null && RatingScale.Key(expected.ToRating) != (found.ToRating is null ? null : RatingScale.Key(found.ToRating)))
        {
            yield return $"toRating {found.ToRating}, expected {expected.ToRating}";
        }

        if (expected.FromTarget != found.FromTarget || expected.ToTarget != found.ToTarget)
        {
            yield return $"targets {found.FromTarget}->{found.ToTarget}, expected {expected.FromTarget}->{expected.ToTarget}";
        }

        if (expected.Currency != found.Currency && (expected.Currency is not null || expected.ToTarget is not null))
        {
            yield return $"currency {found.Currency}, expected {expected.Currency}";
        }
    }

    [Theory]
    [InlineData(ExtractionFixtures.RealStyles)]
    [InlineData(ExtractionFixtures.Headlines)]
    [InlineData(ExtractionFixtures.Articles)]
    [InlineData(ExtractionFixtures.Phrasings)]
    [InlineData(ExtractionFixtures.Holdout)]
    [InlineData(ExtractionFixtures.Blind)]
    [InlineData(ExtractionFixtures.Blind2)]
    [InlineData(ExtractionFixtures.Blind3)]
    public void Fixtures_Files_AreWellFormed(string file)
    {
        var cases = ExtractionFixtures.Load(file);
        Assert.NotEmpty(cases);
        Assert.Equal(cases.Count, cases.Select(c => c.Id).Distinct().Count());
        Assert.All(cases, c => Assert.False(string.IsNullOrWhiteSpace(c.Text)));
        Assert.All(cases.SelectMany(c => c.Expect), e => Assert.True(Alerts.Core.Ratings.RatingActions.TryParse(e.Action, out _), e.Action));
        if (file == ExtractionFixtures.RealStyles)
        {
            // Real text only: each case names where it came from.
            Assert.All(cases, c => Assert.False(string.IsNullOrWhiteSpace(c.Source), c.Id));
        }
    }

    private void Report(ExtractionFixtures.Score score, string name)
    {
        output.WriteLine(score.Summary(name));
        foreach (var miss in score.Misses)
        {
            output.WriteLine(miss);
        }
    }
}

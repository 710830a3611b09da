using Alerts.Core.Extraction;
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

    [Theory]
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

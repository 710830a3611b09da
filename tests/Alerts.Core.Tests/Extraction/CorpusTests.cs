using Alerts.Core.Extraction;
using Alerts.Core.Ratings;
using Xunit.Abstractions;

namespace Alerts.Core.Tests.Extraction;

/// <summary>
/// The development corpus (<c>Corpus/*.jsonl</c>: real headlines and articles, labelled by hand; see docs/corpus.md):
/// its well-formedness, and the extractor's field-level precision and recall over it, overall and per publisher. The
/// floors are today's measured figures less a small margin: a regression guard, not a goal.
/// </summary>
public class CorpusTests(ITestOutputHelper output)
{
    /// <summary>
    /// Per corpus file: today's measured field precision and recall less a margin of about two points, and the share of
    /// look-alikes read as a change plus a margin. A file without an entry is scored and printed but not guarded: add its
    /// floor when it is merged (docs/corpus.md).
    /// </summary>
    private static readonly Dictionary<string, (double Precision, double Recall, double NegativesRead)> Floors = new()
    {
        // Measured 2026-12-08 (issue 20, international text), unresolved changes scored (a change read right but on no
        // listing counts as read): precision 96.1 %, recall 95.3 %, 1 of 99 look-alikes read.
        ["corpus-a.jsonl"] = (0.94, 0.93, 0.03),

        // Measured 2026-12-08 (issue 20): precision 93.9 %, recall 73.0 %, 1 of 42 look-alikes read (with the brokers added to
        // firms.json). What is still not read is listed in docs/corpus.md (tables by column, Citigroup Japan's "1H" grades).
        ["corpus-b.jsonl"] = (0.92, 0.71, 0.05),
    };

    private static readonly HashSet<string> Kinds = ["headline", "article"];

    [Fact]
    public void Corpus_Items_AreWellFormed()
    {
        var items = DevelopmentCorpus.Load();
        Assert.NotEmpty(items);

        var problems = new List<string>();
        foreach (var duplicate in items.GroupBy(i => i.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"id {duplicate.Key} used {duplicate.Count()} times ({string.Join(", ", duplicate.Select(i => i.File))})");
        }

        foreach (var item in items)
        {
            problems.AddRange(Problems(item).Select(p => $"{item.File} {item.Id}: {p}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Corpus_DefaultExtractor_StaysAboveTodaysScores()
    {
        var items = DevelopmentCorpus.Load();
        var report = DevelopmentCorpus.Evaluate(NewsTextExtractor.Default, items);
        var overall = report.Overall;

        output.WriteLine(overall.Summary("corpus"));
        output.WriteLine($"negatives read as a change: {overall.NegativesRead} of {overall.NegativeCases}; of the changes expected, {report.UnresolvedExpected} are on companies with no US listing (expected under unresolved)");
        output.WriteLine("");
        output.WriteLine(report.Table());
        foreach (var miss in overall.Misses)
        {
            output.WriteLine(miss);
        }

        var failures = new List<string>();
        foreach (var file in items.GroupBy(i => i.FileName, StringComparer.Ordinal))
        {
            var score = DevelopmentCorpus.Evaluate(NewsTextExtractor.Default, file).Overall;
            output.WriteLine(score.Summary(file.Key));
            if (!Floors.TryGetValue(file.Key, out var floor))
            {
                output.WriteLine($"{file.Key}: no floor yet (add one to {nameof(CorpusTests)}.{nameof(Floors)})");
                continue;
            }

            var negativesRead = score.NegativeCases == 0 ? 0 : (double)score.NegativesRead / score.NegativeCases;
            if (score.Precision < floor.Precision)
            {
                failures.Add($"{file.Key}: field precision {score.Precision:P1} < {floor.Precision:P1}");
            }

            if (score.Recall < floor.Recall)
            {
                failures.Add($"{file.Key}: field recall {score.Recall:P1} < {floor.Recall:P1}");
            }

            if (negativesRead > floor.NegativesRead)
            {
                failures.Add($"{file.Key}: {score.NegativesRead} of {score.NegativeCases} look-alikes read as a change (> {floor.NegativesRead:P1})");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static IEnumerable<string> Problems(CorpusItem item)
    {
        if (string.IsNullOrWhiteSpace(item.Id))
        {
            yield return "no id";
        }

        if (string.IsNullOrWhiteSpace(item.Publisher))
        {
            yield return "no publisher";
        }

        if (string.IsNullOrWhiteSpace(item.Source))
        {
            yield return "no source";
        }

        if (!Kinds.Contains(item.Kind))
        {
            yield return $"kind '{item.Kind}' is not headline or article";
        }

        if (string.IsNullOrWhiteSpace(item.Text))
        {
            yield return "no text";
        }

        if (item.Expect is null)
        {
            yield return "no expect (use [] for a look-alike)";
            yield break;
        }

        if (item.Expect.Count == 0 && string.IsNullOrWhiteSpace(item.Negative))
        {
            yield return "expects nothing but does not say what it looks like (negative)";
        }

        if (item.Expect.Count > 0 && item.Negative is not null)
        {
            yield return "expects changes and is marked negative";
        }

        foreach (var e in item.Expect)
        {
            if (!RatingActions.TryParse(e.Action, out _))
            {
                yield return $"unknown action '{e.Action}'";
            }

            if (string.IsNullOrWhiteSpace(e.Firm))
            {
                yield return "a change without a firm";
            }

            if (e.FromTarget <= 0 || e.ToTarget <= 0)
            {
                yield return "a target that is not positive";
            }

            if (e.Currency is not null && e.FromTarget is null && e.ToTarget is null)
            {
                yield return $"currency {e.Currency} without a target";
            }
        }
    }
}

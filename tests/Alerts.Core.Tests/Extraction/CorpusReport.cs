using System.Globalization;
using System.Text;

namespace Alerts.Core.Tests.Extraction;

/// <summary>The corpus's scores: overall, per publisher, and the expected changes left for "unresolved".</summary>
internal sealed class CorpusReport
{
    private readonly SortedDictionary<string, ExtractionFixtures.Score> _publishers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _unresolved = new(StringComparer.OrdinalIgnoreCase);

    public ExtractionFixtures.Score Overall { get; } = new();

    public IReadOnlyDictionary<string, ExtractionFixtures.Score> Publishers => _publishers;

    /// <summary>Expected changes whose company has no US listing (ticker null), over all publishers.</summary>
    public int UnresolvedExpected => _unresolved.Values.Sum();

    /// <summary>The scores an item of <paramref name="publisher"/> adds to: the overall one and its publisher's.</summary>
    public IEnumerable<ExtractionFixtures.Score> For(string publisher)
    {
        if (!_publishers.TryGetValue(publisher, out var score))
        {
            _publishers[publisher] = score = new ExtractionFixtures.Score();
        }

        return [Overall, score];
    }

    public void AddUnresolved(string publisher, int count) =>
        _unresolved[publisher] = _unresolved.GetValueOrDefault(publisher) + count;

    /// <summary>A Markdown table: one row per publisher, then the total.</summary>
    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| publisher | items | changes found / expected | field precision | field recall | negatives read / negatives | unresolved expected |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, score) in _publishers)
        {
            text.AppendLine(Row(name, score, _unresolved.GetValueOrDefault(name)));
        }

        text.AppendLine(Row("**all**", Overall, UnresolvedExpected));
        return text.ToString();
    }

    private static string Row(string name, ExtractionFixtures.Score s, int unresolved) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {s.Cases} | {s.FoundChanges} / {s.ExpectedChanges} | {s.Precision:P1} ({s.Correct}/{s.Predicted}) | {s.Recall:P1} ({s.Correct}/{s.Expected}) | {s.NegativesRead} / {s.NegativeCases} | {unresolved} |");
}

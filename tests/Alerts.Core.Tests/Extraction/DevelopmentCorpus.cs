using System.Text.Json;
using Alerts.Core.Extraction;

namespace Alerts.Core.Tests.Extraction;

/// <summary>
/// The development corpus: every <c>Extraction/Corpus/*.jsonl</c> file (one <see cref="CorpusItem"/> per line), scored
/// with the fixtures' field-level scoring (<see cref="ExtractionFixtures.Score"/>), overall and per publisher.
/// </summary>
internal static class DevelopmentCorpus
{
    public const string Folder = "Corpus";

    private static readonly JsonSerializerOptions Json = new() { AllowTrailingCommas = false };

    /// <summary>Every item of every corpus file, in file then line order.</summary>
    public static IReadOnlyList<CorpusItem> Load()
    {
        var directory = ExtractionFixtures.FixtureDirectory(Folder);
        var items = new List<CorpusItem>();
        foreach (var path in Directory.GetFiles(directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var lineNumber = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNumber++;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                CorpusItem item;
                try
                {
                    item = JsonSerializer.Deserialize<CorpusItem>(line, Json)
                        ?? throw new InvalidDataException($"{Path.GetFileName(path)}:{lineNumber}: null item.");
                }
                catch (JsonException e)
                {
                    throw new InvalidDataException($"{Path.GetFileName(path)}:{lineNumber}: {e.Message}", e);
                }

                items.Add(item with { File = $"{Path.GetFileName(path)}:{lineNumber}" });
            }
        }

        return items;
    }

    /// <summary>Scores <paramref name="extractor"/> over <paramref name="items"/>, overall and per publisher.</summary>
    public static CorpusReport Evaluate(NewsTextExtractor extractor, IEnumerable<CorpusItem> items)
    {
        var report = new CorpusReport();
        foreach (var item in items)
        {
            // Changes whose company has no US listing are expected under "unresolved" (scored as changes on
            // Fields.UnresolvedTicker), the others among the changes.
            var predicted = ExtractionFixtures.PredictWithUnresolved(extractor, item.Text);
            var expected = item.Expect.Select(ExtractionFixtures.Fields.Of).ToList();
            var unresolved = item.Expect.Count(e => e.Ticker is null);
            foreach (var score in report.For(item.Publisher))
            {
                score.Add(item.ToCase(), expected, predicted);
            }

            report.AddUnresolved(item.Publisher, unresolved);
        }

        return report;
    }
}

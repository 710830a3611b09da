using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Core.Extraction;
using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.Extraction;

/// <summary>
/// One fixture: a text and the changes expected from it; where it came from (<see cref="Source"/>, for real text), and
/// the changes expected in the unresolved list (<see cref="Unresolved"/>: null when the fixture does not check it).
/// </summary>
public sealed record ExtractionCase(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("expect")] IReadOnlyList<ExpectedChange> Expect,
    [property: JsonPropertyName("source")] string? Source = null,
    [property: JsonPropertyName("unresolved")] IReadOnlyList<ExpectedUnresolved>? Unresolved = null);

/// <summary>An expected unresolved change: the fields read, and what is missing; an absent field is not checked.</summary>
public sealed record ExpectedUnresolved(
    [property: JsonPropertyName("company")] string Company,
    [property: JsonPropertyName("missing")] IReadOnlyList<string> Missing,
    [property: JsonPropertyName("firm")] string? Firm = null,
    [property: JsonPropertyName("action")] string? Action = null,
    [property: JsonPropertyName("fromRating")] string? FromRating = null,
    [property: JsonPropertyName("toRating")] string? ToRating = null,
    [property: JsonPropertyName("fromTarget")] decimal? FromTarget = null,
    [property: JsonPropertyName("toTarget")] decimal? ToTarget = null,
    [property: JsonPropertyName("currency")] string? Currency = null);

/// <summary>
/// An expected change, field by field; an absent field is expected absent. A null ticker (only in the development corpus)
/// marks a change whose company has no US listing: it is expected under "unresolved", not among the changes.
/// </summary>
public sealed record ExpectedChange(
    [property: JsonPropertyName("ticker")] string? Ticker,
    [property: JsonPropertyName("firm")] string Firm,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("company")] string? Company = null,
    [property: JsonPropertyName("analyst")] string? Analyst = null,
    [property: JsonPropertyName("fromRating")] string? FromRating = null,
    [property: JsonPropertyName("toRating")] string? ToRating = null,
    [property: JsonPropertyName("fromTarget")] decimal? FromTarget = null,
    [property: JsonPropertyName("toTarget")] decimal? ToTarget = null,
    [property: JsonPropertyName("currency")] string? Currency = null);

internal sealed record FixtureFile([property: JsonPropertyName("cases")] IReadOnlyList<ExtractionCase> Cases);

/// <summary>Loads the fixture files (from the source tree, next to this file) and scores an extractor against them.</summary>
internal static class ExtractionFixtures
{
    public const string Headlines = "headlines.json";
    public const string Articles = "articles.json";
    public const string Phrasings = "phrasings.json";
    public const string Holdout = "holdout.json";
    public const string Blind = "blind.json";
    public const string Blind2 = "blind2.json";
    public const string Blind3 = "blind3.json";
    public const string RealStyles = "real-styles.json";

    private static readonly DateTimeOffset Received = new(2025, 12, 2, 13, 30, 0, TimeSpan.Zero);

    public static IReadOnlyList<ExtractionCase> Load(string file)
    {
        var path = Path.Combine(FixtureDirectory(), file);
        var fixture = JsonSerializer.Deserialize<FixtureFile>(File.ReadAllText(path))
            ?? throw new InvalidOperationException($"{path} is empty.");
        return fixture.Cases;
    }

    public static IEnumerable<object[]> CaseIds(string file) => Load(file).Select(c => new object[] { file, c.Id });

    /// <summary>A folder beside this file (Fixtures, Corpus), found from the source tree or from the test assembly.</summary>
    internal static string FixtureDirectory(string folder = "Fixtures", [CallerFilePath] string thisFile = "")
    {
        var besideSource = Path.Combine(Path.GetDirectoryName(thisFile) ?? ".", folder);
        if (Directory.Exists(besideSource))
        {
            return besideSource;
        }

        // Built elsewhere: walk up from the test assembly to the repository.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Alerts.Core.Tests", "Extraction", folder);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Extraction {folder} not found.");
    }

    /// <summary>Field-level precision and recall of <paramref name="extractor"/> over <paramref name="cases"/>.</summary>
    public static Score Evaluate(NewsTextExtractor extractor, IEnumerable<ExtractionCase> cases)
    {
        var score = new Score();
        foreach (var fixture in cases)
        {
            score.Add(fixture, fixture.Expect.Select(Fields.Of).ToList(), Predict(extractor, fixture.Text));
        }

        return score;
    }

    /// <summary>The changes <paramref name="extractor"/> reads from <paramref name="text"/>, normalized and canonicalized for scoring.</summary>
    public static List<Fields> Predict(NewsTextExtractor extractor, string text)
    {
        var normalizer = new RatingChangeNormalizer(FirmDirectory.Default);
        return extractor.Extract(text)
            .Select(s => Fields.Of(normalizer.Normalize(s, Received), s))
            .ToList();
    }

    /// <summary>
    /// The changes <paramref name="extractor"/> reads, and those it lists as unresolved for want of a listing, each normalized
    /// as a change on <see cref="Fields.UnresolvedTicker"/> (a change read right but not placed on a listing counts as read).
    /// Unresolved changes that also lack a firm are left out: they could not become alerts even with a listing.
    /// </summary>
    public static List<Fields> PredictWithUnresolved(NewsTextExtractor extractor, string text)
    {
        var normalizer = new RatingChangeNormalizer(FirmDirectory.Default);
        var read = extractor.Read(text);
        var fields = read.Changes.Select(s => Fields.Of(normalizer.Normalize(s, Received), s)).ToList();
        foreach (var u in read.Unresolved)
        {
            if (u.Firm is null)
            {
                continue;
            }

            var submission = new RatingChangeSubmission
            {
                Ticker = Fields.UnresolvedTicker,
                Firm = u.Firm,
                Company = u.Company,
                Analyst = u.Analyst,
                Action = u.Action,
                FromRating = u.FromRating,
                ToRating = u.ToRating,
                FromTarget = u.FromTarget,
                ToTarget = u.ToTarget,
                Currency = Fields.CurrencyOf(u.Currency),
            };
            fields.Add(Fields.Of(normalizer.Normalize(submission, Received), submission));
        }

        return fields;
    }

    /// <summary>The scored fields of one change, canonicalized for comparison.</summary>
    internal sealed record Fields(
        string Ticker, string Firm, string Action, string? FromRating, string? ToRating, decimal? FromTarget, decimal? ToTarget,
        string? Currency, string? Analyst, string Display)
    {
        public static Fields Of(ExpectedChange e)
        {
            var hasTarget = e.FromTarget is not null || e.ToTarget is not null;
            return new Fields(
                e.Ticker?.ToUpperInvariant() ?? UnresolvedTicker,
                FirmDirectory.Default.Canonicalize(e.Firm),
                e.Action,
                Key(e.FromRating),
                Key(e.ToRating),
                e.FromTarget,
                e.ToTarget,
                hasTarget ? CurrencyOf(e.Currency ?? "USD") : null,
                e.Analyst,
                $"{e.Ticker} {e.Firm} {e.Action} {e.FromRating}->{e.ToRating} {e.FromTarget}->{e.ToTarget} {e.Currency}");
        }

        public static Fields Of(RatingChange c, RatingChangeSubmission s)
        {
            var hasTarget = c.FromTarget is not null || c.ToTarget is not null;
            return new Fields(
                c.Ticker,
                c.Firm,
                c.Action.ToWireName(),
                Key(c.FromRating),
                Key(c.ToRating),
                c.FromTarget,
                c.ToTarget,
                hasTarget ? c.Currency : null,
                s.Analyst,
                $"{c.Ticker} {s.Firm} {c.Action.ToWireName()}[{s.Action?.ToWireName() ?? "-"}] {s.FromRating}->{s.ToRating} {c.FromTarget}->{c.ToTarget} {s.Currency} co={s.Company} an={s.Analyst}");
        }

        /// <summary>The ticker an unresolved change is scored under (read, but placed on no listing).</summary>
        public const string UnresolvedTicker = "UNRESOLVED";

        /// <summary>Pence as the contract writes them ("GBp") and as stored changes carry them ("GBX") are one currency.</summary>
        public static string? CurrencyOf(string? currency) => currency == "GBp" ? "GBX" : currency;

        private static string? Key(string? rating) => rating is null ? null : RatingScale.Key(rating);

        public IEnumerable<(string Name, object? Value)> Scored()
        {
            yield return ("ticker", Ticker);
            yield return ("firm", Firm);
            yield return ("action", Action);
            yield return ("fromRating", FromRating);
            yield return ("toRating", ToRating);
            yield return ("fromTarget", FromTarget);
            yield return ("toTarget", ToTarget);
            yield return ("currency", Currency);
        }
    }

    internal sealed class Score
    {
        public int Correct { get; private set; }

        public int Predicted { get; private set; }

        public int Expected { get; private set; }

        public int Cases { get; private set; }

        public int ExpectedChanges { get; private set; }

        public int PredictedChanges { get; private set; }

        /// <summary>Expected changes matched by an extracted one (same ticker, or same firm on a ticker not expected).</summary>
        public int FoundChanges { get; private set; }

        /// <summary>Cases expecting no change (look-alikes) from which a change was read.</summary>
        public int NegativeCases { get; private set; }

        public int NegativesRead { get; private set; }

        public int AnalystsExpected { get; private set; }

        public int AnalystsCorrect { get; private set; }

        public List<string> Misses { get; } = [];

        public double Precision => Predicted == 0 ? 1 : (double)Correct / Predicted;

        public double Recall => Expected == 0 ? 1 : (double)Correct / Expected;

        public void Add(ExtractionCase fixture, List<Fields> expected, List<Fields> predicted)
        {
            Cases++;
            ExpectedChanges += expected.Count;
            PredictedChanges += predicted.Count;
            if (fixture.Expect.Count == 0)
            {
                NegativeCases++;
                NegativesRead += predicted.Count > 0 ? 1 : 0;
            }

            var unmatched = new List<Fields>(predicted);
            var pairs = new List<(Fields E, Fields? P)>();
            foreach (var e in expected)
            {
                var p = unmatched.FirstOrDefault(x => x.Ticker == e.Ticker && x.Firm == e.Firm)
                    ?? unmatched.FirstOrDefault(x => x.Ticker == e.Ticker)
                    ?? unmatched.FirstOrDefault(x => x.Firm == e.Firm && !expected.Any(o => o.Ticker == x.Ticker));
                if (p is not null)
                {
                    unmatched.Remove(p);
                    FoundChanges++;
                }

                pairs.Add((e, p));
            }

            var problems = new List<string>();
            foreach (var (e, p) in pairs)
            {
                if (e.Analyst is not null)
                {
                    AnalystsExpected++;
                    if (p?.Analyst == e.Analyst)
                    {
                        AnalystsCorrect++;
                    }
                }

                var eFields = e.Scored().ToList();
                var pFields = p?.Scored().ToList();
                for (var i = 0; i < eFields.Count; i++)
                {
                    var ev = eFields[i].Value;
                    var pv = pFields?[i].Value;
                    if (ev is not null)
                    {
                        Expected++;
                    }

                    if (pv is not null)
                    {
                        Predicted++;
                    }

                    if (ev is not null && pv is not null && Equals(ev, pv))
                    {
                        Correct++;
                    }
                    else if (ev is not null || pv is not null)
                    {
                        problems.Add($"{eFields[i].Name}: expected {ev ?? "-"}, got {pv ?? "-"}");
                    }
                }

                if (p is null)
                {
                    problems.Add($"missing: {e.Display}");
                }
                else if (problems.Count > 0)
                {
                    problems.Add($"got: {p.Display}");
                }
            }

            foreach (var p in unmatched)
            {
                Predicted += p.Scored().Count(f => f.Value is not null);
                problems.Add($"unexpected: {p.Display}");
            }

            if (problems.Count > 0)
            {
                Misses.Add($"{fixture.Id}: {Shorten(fixture.Text)}\n    " + string.Join("\n    ", problems.Distinct()));
            }
        }

        private static string Shorten(string text) => text.Length <= 160 ? text : text[..157] + "...";

        public string Summary(string name) =>
            $"{name}: {Cases} cases, {ExpectedChanges} expected changes, {PredictedChanges} extracted; field precision {Precision:P1} ({Correct}/{Predicted}), recall {Recall:P1} ({Correct}/{Expected}); analyst {AnalystsCorrect}/{AnalystsExpected}";
    }
}

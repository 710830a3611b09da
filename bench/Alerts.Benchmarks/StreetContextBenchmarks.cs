using System.Text;
using Alerts.Core.Context;
using Alerts.Core.Ratings;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>
/// The street's context of one change on a busy ticker (<see cref="HistoryRows"/> stored changes in its 90 days, from 40
/// firms, some corrected, a few in another currency): <see cref="StreetContextCalculator.Calculate"/>, and writing it
/// into an email (<see cref="StreetContextSection"/>, HTML and text). Once per change: the dispatcher keeps the context
/// for every message of the change.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class StreetContextBenchmarks
{
    /// <summary>History rows of the busy ticker in the window.</summary>
    public const int HistoryRows = 300;

    private static readonly string[] Ratings = ["Overweight", "Neutral", "Buy", "Hold", "Underperform", "Outperform", "Equal Weight", "Sell", "Strong Buy"];
    private static readonly RatingAction[] Actions = [RatingAction.Upgrade, RatingAction.Downgrade, RatingAction.Reiterate, RatingAction.TargetRaise, RatingAction.TargetCut, RatingAction.Initiate];

    private RatingChange _change = null!;
    private RatingChange[] _history = [];
    private StreetContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _change = BenchData.CifrUpgrade();
        _history = Enumerable.Range(0, HistoryRows).Select(i => _change with
        {
            Id = $"{i:x20}",
            Firm = $"Firm {random.Next(40)}",
            Analyst = null,
            Action = Actions[random.Next(Actions.Length)],
            FromRating = Ratings[random.Next(Ratings.Length)],
            ToRating = i % 10 == 0 ? null : Ratings[random.Next(Ratings.Length)],
            FromTarget = random.Next(8, 30),
            ToTarget = i % 7 == 0 ? null : random.Next(8, 30),
            Currency = i % 25 == 0 ? "CAD" : "USD",
            PublishedAt = _change.PublishedAt - TimeSpan.FromMinutes(random.Next(0, 90 * 24 * 60)),
            CorrectionOf = i % 50 == 1 ? $"{i - 1:x20}" : null,
        })
        .Select(c => c with { ToLevel = RatingScale.Classify(c.ToRating), FromLevel = RatingScale.Classify(c.FromRating) })
        .ToArray();
        _context = StreetContextCalculator.Calculate(_change, _history);
    }

    /// <summary>The context from the ticker's 300 rows: window, corrections, repeats, levels, consensus, standing.</summary>
    [Benchmark]
    public int Calculate() => StreetContextCalculator.Calculate(_change, _history).Recent.Count;

    /// <summary>The context written into both parts of an email (10 rows, the levels, the targets): once per change.</summary>
    [Benchmark]
    public int Render() => Append(_context with { }); // a new context object: written afresh

    /// <summary>The same for each further recipient of the change: the parts written for the first are appended.</summary>
    [Benchmark]
    public int RenderAgain() => Append(_context);

    private static int Append(StreetContext context)
    {
        var html = StreetContextSection.AppendHtml(new StringBuilder(4096), context);
        var text = StreetContextSection.AppendText(new StringBuilder(1024), context);
        return html.Length + text.Length;
    }
}

using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>
/// Matching one change against 1,000,000 subscriptions, 100,000 of them on the change's ticker.
/// The index path is "read the ticker's partition, run the rule check on each row": here the partition is in memory
/// (a <see cref="Dictionary{TKey,TValue}"/> of ticker to rows built in <see cref="Setup"/> stands in for table
/// <c>SubscriberIndex</c>), so these figures are the CPU cost of matching alone, without the read from storage.
/// The check is the one <c>AlertFanOut</c> makes: the change's facts worked out once (<see cref="ChangeFacts.Of"/>),
/// then <see cref="SubscriberPage.Match"/> on each 1,000-row page of the ticker (the pages the table store reads and its
/// cache keeps): each distinct rule set of a page checked once, then one int read per row. The row-by-row check
/// (<see cref="CompiledRules.Matches"/> on each row's <see cref="Subscriber.Compiled"/>, what matching did before pages)
/// is kept for comparison, and so is a worst case where every row of the ticker has rules of its own.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class MatchingBenchmarks
{
    /// <summary>All subscriptions (rows of the index, over every ticker).</summary>
    public const int Subscriptions = 1_000_000;

    /// <summary>Rows of the one popular ticker the change is about.</summary>
    public const int OnTicker = 100_000;

    /// <summary>Rows of every other ticker: 900,000 rows over 9,000 tickers.</summary>
    private const int PerOtherTicker = 100;

    /// <summary>Rows per page, as the table store reads them.</summary>
    private const int PageSize = 1000;

    private const string Ticker = "CIFR";

    private Dictionary<string, Subscriber[]> _index = [];
    private Subscriber[] _popular = [];
    private Dictionary<string, SubscriberPage[]> _pagedIndex = [];
    private SubscriberPage[] _popularPages = [];
    private Subscriber[] _distinct = [];
    private SubscriberPage[] _distinctPages = [];
    private readonly int[] _matchedRows = new int[PageSize];
    private (string Ticker, Subscriber Row)[] _allRows = [];
    private RatingChange _change = null!;
    private ChangeFacts _facts;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var index = new Dictionary<string, Subscriber[]>(StringComparer.Ordinal)
        {
            [Ticker] = Enumerable.Range(0, OnTicker).Select(i => Row(i, random)).ToArray(),
        };
        var otherTickers = (Subscriptions - OnTicker) / PerOtherTicker;
        for (var t = 0; t < otherTickers; t++)
        {
            index[$"T{t:D4}"] = Enumerable.Range(0, PerOtherTicker).Select(i => Row(OnTicker + (t * PerOtherTicker) + i, random)).ToArray();
        }

        _index = index;
        _popular = index[Ticker];
        _pagedIndex = index.ToDictionary(p => p.Key, p => Pages(p.Value), StringComparer.Ordinal);
        _popularPages = _pagedIndex[Ticker];

        // The worst case: every one of the ticker's rows with rules of its own (a distinct minimum target move each).
        _distinct = Enumerable.Range(0, OnTicker).Select(i => DistinctRow(i, random)).ToArray();
        _distinctPages = Pages(_distinct);

        // The same rows without an index, in a random order, for the full-scan comparison.
        _allRows = index.SelectMany(p => p.Value.Select(row => (p.Key, row))).OrderBy(_ => random.Next()).ToArray();

        // "JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -> $18": matches the "any", upgrade, JPMorgan and
        // 10%-move rules, not the downgrade-only or target-cut rules.
        _change = BenchData.CifrUpgrade(Ticker);

        // What AlertFanOut does once per change; the rules of each row compile on first use and are kept, as they would be
        // for rows kept in memory (rows read afresh from storage compile again: see RuleCheckAndCompilePerSubscriber).
        _facts = ChangeFacts.Of(_change);
        var matched = _popular.Count(s => s.Compiled.Matches(in _facts));
        foreach (var (_, row) in _allRows)
        {
            _ = row.Rules.Compiled;
        }

        var pagedMatched = _popularPages.Sum(p => p.Match(in _facts, _matchedRows));
        var distinctMatched = _distinctPages.Sum(p => p.Match(in _facts, _matchedRows));
        if (pagedMatched != matched || distinctMatched != _distinct.Count(s => s.Compiled.Matches(in _facts)))
        {
            throw new InvalidOperationException("The page path and the row-by-row check disagree.");
        }

        Console.WriteLine(
            $"// {index.Count} tickers, {Subscriptions} rows, {_popular.Length} on {Ticker}, {matched} match the change; "
            + $"{_popularPages.Length} pages of at most {_popularPages.Max(p => p.DistinctRuleCount)} distinct rule sets; "
            + $"worst case: {_distinctPages.Sum(p => p.DistinctRuleCount)} distinct rule sets, {distinctMatched} match");
    }

    /// <summary>The rule check over the ticker's 100,000 rows: mean time is per rule check (rule checks/s = 1e9 / mean ns).</summary>
    [Benchmark(OperationsPerInvoke = OnTicker)]
    public int RuleCheckPerSubscriber()
    {
        var facts = _facts;
        var matched = 0;
        foreach (var subscriber in _popular)
        {
            if (subscriber.Compiled.Matches(in facts))
            {
                matched++;
            }
        }

        return matched;
    }

    /// <summary>Finding the ticker's rows among 1,000,000 (the partition lookup), per lookup.</summary>
    [Benchmark]
    public int TickerLookup()
    {
        return _index.TryGetValue(_change.Ticker, out var rows) ? rows.Length : 0;
    }

    /// <summary>
    /// One change against 1,000,000 subscriptions by the index path, as <c>AlertFanOut</c> runs it: lookup, then
    /// <see cref="SubscriberPage.Match"/> on each of the ticker's 100 pages (100,000 rows).
    /// </summary>
    [Benchmark]
    public int MatchOneChangeIndexed()
    {
        if (!_pagedIndex.TryGetValue(_change.Ticker, out var pages))
        {
            return 0;
        }

        var facts = ChangeFacts.Of(_change);
        var matched = 0;
        foreach (var page in pages)
        {
            matched += page.Match(in facts, _matchedRows);
        }

        return matched;
    }

    /// <summary>The same, row by row (each row's own <see cref="Subscriber.Compiled"/> checked): matching before pages.</summary>
    [Benchmark]
    public int MatchOneChangeIndexedRowByRow()
    {
        if (!_index.TryGetValue(_change.Ticker, out var rows))
        {
            return 0;
        }

        var facts = ChangeFacts.Of(_change);
        var matched = 0;
        foreach (var subscriber in rows)
        {
            if (subscriber.Compiled.Matches(in facts))
            {
                matched++;
            }
        }

        return matched;
    }

    /// <summary>The worst case for pages: each of the 100,000 rows has rules of its own, so every row is a rule check.</summary>
    [Benchmark]
    public int MatchOneChangeIndexedDistinctRules()
    {
        var facts = ChangeFacts.Of(_change);
        var matched = 0;
        foreach (var page in _distinctPages)
        {
            matched += page.Match(in facts, _matchedRows);
        }

        return matched;
    }

    /// <summary>The same worst case row by row: what pages must be no slower than.</summary>
    [Benchmark]
    public int MatchOneChangeIndexedDistinctRulesRowByRow()
    {
        var facts = ChangeFacts.Of(_change);
        var matched = 0;
        foreach (var subscriber in _distinct)
        {
            if (subscriber.Compiled.Matches(in facts))
            {
                matched++;
            }
        }

        return matched;
    }

    /// <summary>The page path over the ticker's 100,000 rows: mean time is per row (rows matched/s = 1e9 / mean ns).</summary>
    [Benchmark(OperationsPerInvoke = OnTicker)]
    public int RuleCheckPerSubscriberPaged()
    {
        var facts = _facts;
        var matched = 0;
        foreach (var page in _popularPages)
        {
            matched += page.Match(in facts, _matchedRows);
        }

        return matched;
    }

    /// <summary>The same without an index (every one of the 1,000,000 rows is looked at): what the index saves.</summary>
    [Benchmark]
    public int MatchOneChangeFullScan()
    {
        var facts = ChangeFacts.Of(_change);
        var matched = 0;
        foreach (var (ticker, subscriber) in _allRows)
        {
            if (string.Equals(ticker, _change.Ticker, StringComparison.Ordinal) && subscriber.Compiled.Matches(in facts))
            {
                matched++;
            }
        }

        return matched;
    }

    /// <summary>
    /// The rule check of rows read afresh (as the table store reads them for a change when the ticker is not cached): each
    /// row's rules compiled (<see cref="CompiledRules.Compile"/>, which finds the interned instance of equal rules) and then
    /// checked; mean time is per subscriber.
    /// </summary>
    [Benchmark(OperationsPerInvoke = OnTicker)]
    public int RuleCheckAndCompilePerSubscriber()
    {
        var facts = _facts;
        var matched = 0;
        foreach (var subscriber in _popular)
        {
            if (CompiledRules.Compile(subscriber.Rules).Matches(in facts))
            {
                matched++;
            }
        }

        return matched;
    }

    /// <summary>
    /// The rule check plus the deterministic alert id of each matched subscriber (a SHA-256 digest, as <c>AlertFanOut</c>
    /// computes for every recipient), over the 100,000 rows; mean time is per subscriber.
    /// </summary>
    [Benchmark(OperationsPerInvoke = OnTicker)]
    public int RuleCheckAndAlertIdPerSubscriber()
    {
        var change = _change;
        var facts = _facts;
        var length = 0;
        foreach (var subscriber in _popular)
        {
            if (subscriber.Compiled.Matches(in facts))
            {
                length += AlertIds.For(change.Id, subscriber.SubscriptionId).Length;
            }
        }

        return length;
    }

    /// <summary>A mix of rules: half follow everything; the rest filter on action, firm or the size of the target move.</summary>
    private static Subscriber Row(int i, Random random)
    {
        var rules = (random.Next(10)) switch
        {
            < 5 => new SubscriberRules(),
            5 => new SubscriberRules { Actions = [RatingAction.Upgrade, RatingAction.Downgrade] },
            6 => new SubscriberRules { Actions = [RatingAction.Downgrade] },
            7 => new SubscriberRules { Firms = ["JPMorgan", "Goldman Sachs"] },
            8 => new SubscriberRules { MinTargetChangePct = 10m },
            _ => new SubscriberRules { Actions = [RatingAction.TargetCut], MinTargetChangePct = 20m },
        };
        return new Subscriber($"{i:x32}", $"user{i}@example.com", rules);
    }

    /// <summary>The same mix, but every row's rules distinct: each with a minimum target move of its own.</summary>
    private static Subscriber DistinctRow(int i, Random random)
    {
        var unique = i / 1_000_000m;
        var rules = (random.Next(10)) switch
        {
            < 5 => new SubscriberRules { MinTargetChangePct = unique },
            5 => new SubscriberRules { Actions = [RatingAction.Upgrade, RatingAction.Downgrade], MinTargetChangePct = unique },
            6 => new SubscriberRules { Actions = [RatingAction.Downgrade], MinTargetChangePct = unique },
            7 => new SubscriberRules { Firms = ["JPMorgan", "Goldman Sachs"], MinTargetChangePct = unique },
            8 => new SubscriberRules { MinTargetChangePct = 10m + unique },
            _ => new SubscriberRules { Actions = [RatingAction.TargetCut], MinTargetChangePct = 20m + unique },
        };
        return new Subscriber($"{i:x32}", $"distinct{i}@example.com", rules);
    }

    private static SubscriberPage[] Pages(Subscriber[] rows) => rows.Chunk(PageSize).Select(SubscriberPage.Of).ToArray();
}

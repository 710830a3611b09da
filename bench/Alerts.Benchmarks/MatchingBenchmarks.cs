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
/// then <see cref="CompiledRules.Matches"/> on each row's <see cref="Subscriber.Compiled"/>.
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

    private const string Ticker = "CIFR";

    private Dictionary<string, Subscriber[]> _index = [];
    private Subscriber[] _popular = [];
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

        Console.WriteLine($"// {index.Count} tickers, {Subscriptions} rows, {_popular.Length} on {Ticker}, {matched} match the change");
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

    /// <summary>One change against 1,000,000 subscriptions by the index path: lookup, then the rule check on the ticker's 100,000 rows.</summary>
    [Benchmark]
    public int MatchOneChangeIndexed()
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
    /// The rule check of rows read afresh (as <c>AlertFanOut</c> reads them from the index table for every change): each
    /// row's rules compiled (<see cref="CompiledRules.Compile"/>) and then checked; mean time is per subscriber.
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
}

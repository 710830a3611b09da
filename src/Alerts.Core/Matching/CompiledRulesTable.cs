using System.Collections.Concurrent;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// Interns compiled rules by value: rule sets that match the same changes (same <see cref="RulesKey"/>: the same
/// actions, firms and excluded firms in any order or case, thresholds, direction, pause) get one shared
/// <see cref="CompiledRules"/> instance, however many index rows carry them. That is what lets a page of a ticker's
/// followers check each distinct rule set once (see <see cref="SubscriberPage"/>), and it keeps one frozen firm set in
/// memory per distinct list rather than one per row. Thread-safe and bounded: when it holds <c>capacity</c> entries it
/// starts over empty (instances already handed out stay valid; rules compiled later simply get new ones).
/// </summary>
internal sealed class CompiledRulesTable
{
    /// <summary>The bound of <see cref="Shared"/>: far more distinct rule sets than subscribers are expected to choose.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly ConcurrentDictionary<RulesKey, CompiledRules> _entries = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private int _count;

    public CompiledRulesTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>The table <see cref="CompiledRules.Compile"/> (and so <see cref="SubscriberRules.Compiled"/>) interns into.</summary>
    public static CompiledRulesTable Shared { get; } = new(DefaultCapacity);

    /// <summary>How many distinct rule sets are interned (rule sets that set nothing are not counted: they share <see cref="CompiledRules.MatchAll"/>).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The one compiled instance of rules equal to <paramref name="rules"/>, compiled now if none is kept.</summary>
    public CompiledRules Intern(SubscriberRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (RulesKey.SetsNothing(rules))
        {
            return CompiledRules.MatchAll;
        }

        var key = RulesKey.Of(rules);
        if (_entries.TryGetValue(key, out var found))
        {
            return found;
        }

        var compiled = CompiledRules.Build(rules);
        if (Volatile.Read(ref _count) >= _capacity)
        {
            lock (_gate)
            {
                if (Volatile.Read(ref _count) >= _capacity)
                {
                    _entries.Clear();
                    Volatile.Write(ref _count, 0);
                }
            }
        }

        if (_entries.TryAdd(key, compiled))
        {
            Interlocked.Increment(ref _count);
            return compiled;
        }

        // Another thread interned the same rules meanwhile: share its instance.
        return _entries.TryGetValue(key, out found) ? found : compiled;
    }
}

using System.Buffers;
using Alerts.Core.Channels;
using Alerts.Core.Digests;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// A page of one ticker's subscriber index (up to the 1,000 rows a table read returns at once) in the form matching
/// reads: parallel arrays of the rows' subscription ids, emails, delivery settings and rules, plus, for each row, the
/// index of its rules among the page's few distinct compiled rule sets (<see cref="CompiledRules"/> are interned, so equal
/// rules are one instance; see <see cref="CompiledRulesTable"/>). <see cref="Match"/> checks each distinct rule set once
/// and then walks the int array, so a page costs a handful of rule checks plus one array read per row; when every row
/// has rules of its own, it checks the compiled rules one after the other, as a row-by-row check would. Immutable once
/// built (by <see cref="SubscriberPageBuilder"/>), so a page can be kept and matched from many threads at once.
/// </summary>
public sealed class SubscriberPage
{
    /// <summary>Up to this many distinct rule sets are checked into a verdict buffer on the stack; more rent one.</summary>
    private const int StackVerdicts = 256;

    private readonly string[] _subscriptionIds;
    private readonly string[] _emails;
    private readonly DeliverySettings?[] _delivery;
    private readonly SubscriberRules[] _rules;
    private readonly int[] _ruleSlots;
    private readonly CompiledRules[] _distinctRules;
    private readonly IReadOnlyList<Channel>?[] _channels;

    internal SubscriberPage(string[] subscriptionIds, string[] emails, DeliverySettings?[] delivery, SubscriberRules[] rules, int[] ruleSlots, CompiledRules[] distinctRules, IReadOnlyList<Channel>?[]? channels = null)
    {
        _channels = channels ?? new IReadOnlyList<Channel>?[subscriptionIds.Length];
        _subscriptionIds = subscriptionIds;
        _emails = emails;
        _delivery = delivery;
        _rules = rules;
        _ruleSlots = ruleSlots;
        _distinctRules = distinctRules;
    }

    /// <summary>A page of no rows.</summary>
    public static SubscriberPage Empty { get; } = new([], [], [], [], [], []);

    /// <summary>How many rows the page holds.</summary>
    public int Count => _subscriptionIds.Length;

    /// <summary>How many distinct compiled rule sets its rows carry (what <see cref="Match"/> checks).</summary>
    public int DistinctRuleCount => _distinctRules.Length;

    /// <summary>Row <paramref name="row"/> as a <see cref="Subscriber"/> (allocates: for listings, not for matching).</summary>
    public Subscriber this[int row] => new(_subscriptionIds[row], _emails[row], _rules[row], _delivery[row]) { Channels = _channels[row] };

    public string SubscriptionId(int row) => _subscriptionIds[row];

    public string Email(int row) => _emails[row];

    /// <summary>The row's delivery settings as read (null for a row that holds nothing back).</summary>
    public DeliverySettings? Delivery(int row) => _delivery[row];

    /// <summary>The row's channels besides email (null when it has none, as most rows).</summary>
    public IReadOnlyList<Channel>? Channels(int row) => _channels[row];

    /// <summary>The row's rules as stored (their compiled form is shared with every equal rule set).</summary>
    public SubscriberRules Rules(int row) => _rules[row];

    /// <summary>The page of <paramref name="rows"/>, in their order.</summary>
    public static SubscriberPage Of(IEnumerable<Subscriber> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var builder = new SubscriberPageBuilder();
        foreach (var row in rows)
        {
            builder.Add(row);
        }

        return builder.Build();
    }

    /// <summary>
    /// Writes the indexes of the rows whose rules <paramref name="change"/> passes into <paramref name="matchedRows"/>
    /// (at least <see cref="Count"/> long), in row order, and returns how many there are. Allocates nothing for pages of
    /// up to 256 distinct rule sets (a buffer is rented beyond). The same rows as <see cref="CompiledRules.Matches"/> on
    /// each row's rules: a paused row matches nothing.
    /// </summary>
    public int Match(in ChangeFacts change, Span<int> matchedRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(matchedRows.Length, Count, nameof(matchedRows));
        var distinct = _distinctRules;
        var slots = _ruleSlots;
        var matched = 0;

        // Every row with rules of its own: the builder numbered them in row order, so slot i is row i.
        if (distinct.Length == slots.Length)
        {
            for (var row = 0; row < distinct.Length; row++)
            {
                if (distinct[row].Matches(in change))
                {
                    matchedRows[matched++] = row;
                }
            }

            return matched;
        }

        byte[]? rented = null;
        Span<byte> verdicts = distinct.Length <= StackVerdicts
            ? stackalloc byte[StackVerdicts]
            : (rented = ArrayPool<byte>.Shared.Rent(distinct.Length));
        try
        {
            var passing = 0;
            for (var slot = 0; slot < distinct.Length; slot++)
            {
                var passes = distinct[slot].Matches(in change);
                verdicts[slot] = passes ? (byte)1 : (byte)0;
                passing += verdicts[slot];
            }

            if (passing == 0)
            {
                return 0;
            }

            // Branch-free: every row is written, and the count moves on only past those that pass.
            for (var row = 0; row < slots.Length; row++)
            {
                matchedRows[matched] = row;
                matched += verdicts[slots[row]];
            }

            return matched;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}

using System.Collections.Frozen;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// <see cref="SubscriberRules"/> turned once into what is cheap to check: the actions as a bit mask, the firm lists as
/// frozen case-insensitive sets, the thresholds as plain values. <see cref="Matches"/> allocates nothing.
/// Rules that set nothing (about half of all subscriptions follow a ticker without conditions) share one instance,
/// <see cref="MatchAll"/>, whose check is one field read on memory every such row shares; any other rules are interned by
/// value (<see cref="CompiledRulesTable"/>), so equal rule sets share one instance too.
/// </summary>
public sealed class CompiledRules
{
    /// <summary>The compiled form of every rule set that sets nothing: matches every change.</summary>
    public static readonly CompiledRules MatchAll = new(new SubscriberRules());

    private readonly bool _matchesAll;
    private readonly bool _paused;
    private readonly int _actionMask;
    private readonly FrozenSet<string>? _firms;
    private readonly FrozenSet<string>? _excludedFirms;
    private readonly decimal? _minTargetChangePct;
    private readonly RatingLevel _minRating;
    private readonly ChangeDirection? _direction;

    private CompiledRules(SubscriberRules rules)
    {
        _paused = rules.Paused;
        foreach (var action in rules.Actions)
        {
            _actionMask |= ChangeFacts.Bit(action);
        }

        _firms = rules.Firms.Count == 0 ? null : rules.Firms.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _excludedFirms = rules.ExcludeFirms.Count == 0 ? null : rules.ExcludeFirms.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _minTargetChangePct = rules.MinTargetChangePct;
        _minRating = rules.MinRating ?? RatingLevel.Unknown;
        _direction = rules.Direction switch
        {
            NewsDirection.Positive => ChangeDirection.Positive,
            NewsDirection.Negative => ChangeDirection.Negative,
            _ => null,
        };
        _matchesAll = RulesKey.SetsNothing(rules);
    }

    /// <summary>
    /// The compiled form of <paramref name="rules"/>: <see cref="MatchAll"/> when they set nothing, else the one instance
    /// shared by every equal rule set (see <see cref="CompiledRulesTable.Shared"/>).
    /// </summary>
    public static CompiledRules Compile(SubscriberRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return CompiledRulesTable.Shared.Intern(rules);
    }

    /// <summary>A new compiled instance of <paramref name="rules"/>, not interned (what <see cref="CompiledRulesTable"/> keeps).</summary>
    internal static CompiledRules Build(SubscriberRules rules)
    {
        var compiled = new CompiledRules(rules);
        return compiled._matchesAll ? MatchAll : compiled;
    }

    /// <summary>True when the change passes every rule that is set (and the subscription is not paused).</summary>
    public bool Matches(in ChangeFacts change)
    {
        if (_matchesAll)
        {
            return true;
        }

        if (_paused)
        {
            return false;
        }

        if (_actionMask != 0 && (_actionMask & change.ActionBits) == 0)
        {
            return false;
        }

        if (_firms is not null && !_firms.Contains(change.Firm))
        {
            return false;
        }

        if (_excludedFirms is not null && _excludedFirms.Contains(change.Firm))
        {
            return false;
        }

        if (_minTargetChangePct is { } min && (change.AbsoluteTargetChangePct is not { } move || move < min))
        {
            return false;
        }

        // An unknown new rating (0) is below every threshold.
        if (_minRating != RatingLevel.Unknown && (change.ToLevel == RatingLevel.Unknown || change.ToLevel < _minRating))
        {
            return false;
        }

        return _direction is not { } direction || change.Direction == direction;
    }
}

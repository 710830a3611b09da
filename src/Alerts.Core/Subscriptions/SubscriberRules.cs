using System.Text.Json.Serialization;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;

namespace Alerts.Core.Subscriptions;

/// <summary>
/// What a change must be to reach a subscriber: every rule that is set must pass; an empty list or a missing
/// threshold means "any". The same rules are copied into every row of the per-ticker index, so that matching needs
/// no other read. <see cref="Compiled"/> is the form the matcher checks (bit masks and frozen sets, built once).
/// </summary>
public sealed record SubscriberRules
{
    public static readonly SubscriberRules Any = new();

    private CompiledRules? _compiled;

    public SubscriberRules()
    {
    }

    /// <summary>A copy (<c>with</c>) compiles again: the compiled form of the original is not carried over.</summary>
    private SubscriberRules(SubscriberRules original)
    {
        Actions = original.Actions;
        Firms = original.Firms;
        ExcludeFirms = original.ExcludeFirms;
        MinTargetChangePct = original.MinTargetChangePct;
        MinRating = original.MinRating;
        Direction = original.Direction;
        Paused = original.Paused;
        NotableOnly = original.NotableOnly;
    }

    /// <summary>
    /// Only these actions. <c>target_raise</c> / <c>target_cut</c> also match any change whose target moved that way,
    /// whatever its action (a downgrade that cut the target is a target cut too).
    /// </summary>
    public IReadOnlyList<RatingAction> Actions { get; init; } = [];

    /// <summary>Only changes from these firms (canonical names, see <see cref="FirmDirectory"/>).</summary>
    public IReadOnlyList<string> Firms { get; init; } = [];

    /// <summary>Never changes from these firms (canonical names).</summary>
    public IReadOnlyList<string> ExcludeFirms { get; init; } = [];

    /// <summary>Only changes whose target moved by at least this many percent, up or down.</summary>
    public decimal? MinTargetChangePct { get; init; }

    /// <summary>
    /// Only changes whose new rating (<see cref="RatingChange.ToLevel"/>) is at least this level on the common scale.
    /// A change whose new rating is unknown (a word not in the table, or no rating at all) never passes.
    /// </summary>
    public RatingLevel? MinRating { get; init; }

    /// <summary>Only positive or only negative news (see <see cref="ChangeDirections"/> for what each is).</summary>
    public NewsDirection Direction { get; init; } = NewsDirection.Any;

    /// <summary>Paused: matches nothing until resumed. The subscription and its index rows stay.</summary>
    public bool Paused { get; init; }

    /// <summary>
    /// Only notable calls (<see cref="Context.NotableCalls"/>): not a matching rule (matching comes before the history is
    /// read) but a filter the dispatcher applies once the change's street context is known.
    /// </summary>
    public bool NotableOnly { get; init; }

    /// <summary>The rules as the matcher checks them, built on first use and kept.</summary>
    [JsonIgnore]
    public CompiledRules Compiled => _compiled ??= CompiledRules.Compile(this);

    public bool Equals(SubscriberRules? other) =>
        other is not null
        && Actions.SequenceEqual(other.Actions)
        && Firms.SequenceEqual(other.Firms, StringComparer.Ordinal)
        && ExcludeFirms.SequenceEqual(other.ExcludeFirms, StringComparer.Ordinal)
        && MinTargetChangePct == other.MinTargetChangePct
        && MinRating == other.MinRating
        && Direction == other.Direction
        && Paused == other.Paused
        && NotableOnly == other.NotableOnly;

    public override int GetHashCode() =>
        HashCode.Combine(Actions.Count, Firms.Count, ExcludeFirms.Count, MinTargetChangePct, MinRating, Direction, Paused);
}

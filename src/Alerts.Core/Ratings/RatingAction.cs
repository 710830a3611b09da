using System.Text.Json.Serialization;

namespace Alerts.Core.Ratings;

/// <summary>What an analyst did. The wire names are the contract's snake_case words (see <see cref="RatingActions"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RatingAction>))]
public enum RatingAction
{
    [JsonStringEnumMemberName("upgrade")] Upgrade,
    [JsonStringEnumMemberName("downgrade")] Downgrade,
    [JsonStringEnumMemberName("initiate")] Initiate,
    [JsonStringEnumMemberName("reiterate")] Reiterate,
    [JsonStringEnumMemberName("target_raise")] TargetRaise,
    [JsonStringEnumMemberName("target_cut")] TargetCut,
    [JsonStringEnumMemberName("resume")] Resume,
    [JsonStringEnumMemberName("suspend")] Suspend,

    /// <summary>
    /// A price target stated with nothing to compare it with: no earlier target of the firm (given, or in our history) and
    /// no rating move. A target with no direction, not a reiteration (added 2026-12; appended, so the other values keep
    /// their numbers).
    /// </summary>
    [JsonStringEnumMemberName("target_set")] TargetSet,
}

/// <summary>The wire names of <see cref="RatingAction"/>, in one place.</summary>
public static class RatingActions
{
    private static readonly Dictionary<RatingAction, string> Names = new()
    {
        [RatingAction.Upgrade] = "upgrade",
        [RatingAction.Downgrade] = "downgrade",
        [RatingAction.Initiate] = "initiate",
        [RatingAction.Reiterate] = "reiterate",
        [RatingAction.TargetRaise] = "target_raise",
        [RatingAction.TargetCut] = "target_cut",
        [RatingAction.Resume] = "resume",
        [RatingAction.Suspend] = "suspend",
        [RatingAction.TargetSet] = "target_set",
    };

    private static readonly Dictionary<string, RatingAction> ByName =
        Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>All wire names, in declaration order, for error messages.</summary>
    public static IReadOnlyCollection<string> All { get; } = Names.Values.ToArray();

    public static string ToWireName(this RatingAction action) => Names[action];

    public static bool TryParse(string? value, out RatingAction action)
    {
        action = default;
        return value is not null && ByName.TryGetValue(value.Trim(), out action);
    }
}

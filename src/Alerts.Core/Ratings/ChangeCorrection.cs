namespace Alerts.Core.Ratings;

/// <summary>
/// What a correction or withdrawal tells the subscribers of an earlier alert: its kind, the change they were told of
/// (<see cref="OriginalId"/>), and what that change said (the values before). Carried by the correction's own change
/// (<see cref="RatingChange.Correction"/>) on its way to those subscribers; never stored.
/// </summary>
public sealed record ChangeCorrection
{
    public required CorrectionKind Kind { get; init; }

    /// <summary>The change whose alert the subscribers received.</summary>
    public required string OriginalId { get; init; }

    public required RatingAction Action { get; init; }

    public string? FromRating { get; init; }

    public string? ToRating { get; init; }

    public decimal? FromTarget { get; init; }

    public decimal? ToTarget { get; init; }

    public required string Currency { get; init; }

    /// <summary>
    /// The correction of <paramref name="before"/> (the change subscribers were told of) by <paramref name="after"/>, or
    /// null when nothing a subscriber sees changed: the action, the ratings and the targets (with their currency) are
    /// what an alert says; the analyst's name, the link, the company's spelling and the time are not material.
    /// </summary>
    public static ChangeCorrection? Between(RatingChange before, RatingChange after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var material = before.Action != after.Action
            || !SameWords(before.FromRating, after.FromRating)
            || !SameWords(before.ToRating, after.ToRating)
            || before.FromTarget != after.FromTarget
            || before.ToTarget != after.ToTarget
            || (after.ToTarget is not null && !string.Equals(before.Currency, after.Currency, StringComparison.Ordinal));
        return material ? Of(CorrectionKind.Corrected, before) : null;
    }

    /// <summary>The withdrawal of <paramref name="withdrawn"/>, the change subscribers were told of.</summary>
    public static ChangeCorrection Withdrawal(RatingChange withdrawn) => Of(CorrectionKind.Withdrawn, withdrawn);

    private static ChangeCorrection Of(CorrectionKind kind, RatingChange before) => new()
    {
        Kind = kind,
        OriginalId = before.Id,
        Action = before.Action,
        FromRating = before.FromRating,
        ToRating = before.ToRating,
        FromTarget = before.FromTarget,
        ToTarget = before.ToTarget,
        Currency = before.Currency,
    };

    /// <summary>Rating words compare as a reader does: case and surrounding spaces do not count.</summary>
    private static bool SameWords(string? a, string? b) =>
        string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);
}

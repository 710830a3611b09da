namespace Alerts.Core.Digests;

/// <summary>
/// A daily stretch of local time in which no email is sent: from <see cref="Start"/> (included) to <see cref="End"/>
/// (excluded). It wraps midnight when <see cref="End"/> is earlier than <see cref="Start"/> (22:00 to 07:00).
/// </summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public bool Contains(TimeOnly localTime) =>
        Start <= End
            ? localTime >= Start && localTime < End
            : localTime >= Start || localTime < End;
}

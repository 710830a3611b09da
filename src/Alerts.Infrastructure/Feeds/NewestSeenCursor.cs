using System.Globalization;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// The cursor of the dated APIs (Finnhub, FMP), per symbol: the newest record time seen, as ISO 8601 UTC. Each poll reads
/// from <see cref="FeedSourceOptions.OverlapDays"/> before it, so that records written late (back-dated) or on another clock
/// are not missed; what is read twice is a duplicate for the ingest, which stores and alerts it once.
/// </summary>
internal static class NewestSeenCursor
{
    /// <summary>The time a cursor holds, or null (none yet, or not one of ours: the source then starts afresh).</summary>
    public static DateTimeOffset? Parse(string? cursor) =>
        DateTimeOffset.TryParseExact(cursor, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;

    /// <summary>Where a poll starts: <paramref name="overlapDays"/> before the cursor, or <paramref name="lookbackDays"/> ago on the first poll.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset? since, DateTimeOffset now, int lookbackDays, int overlapDays) =>
        since is { } at ? at.AddDays(-overlapDays) : now.AddDays(-lookbackDays);

    /// <summary>
    /// The next cursor: the newest record time seen, never later than now (a record dated in the future must not make
    /// the next polls skip what is published meanwhile), never earlier than the cursor.
    /// </summary>
    public static string? Next(string? cursor, DateTimeOffset? since, DateTimeOffset? newest, DateTimeOffset now)
    {
        if (newest is not { } seen)
        {
            return since is null ? null : cursor;
        }

        if (seen > now)
        {
            seen = now;
        }

        return since is { } at && at >= seen ? cursor : Format(seen);
    }

    public static string Format(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

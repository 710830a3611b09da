using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// What the dated JSON sources (Finnhub, FMP) collect in one poll: the records of a window starting at
/// <c>windowStart</c>, the newest record time seen (their cursor), and the records skipped as malformed.
/// </summary>
internal sealed class WindowedRecords(string source, DateTimeOffset windowStart, ILogger logger)
{
    /// <summary>Opens a poll: reads the cursor (logging one that cannot be read) and works out the window it starts from.</summary>
    public static (WindowedRecords Records, DateTimeOffset? Since, DateTimeOffset WindowStart, DateTimeOffset Now) Open(
        string source, string? cursor, int lookbackDays, TimeProvider time, ILogger logger)
    {
        var now = time.GetUtcNow();
        var since = NewestSeenCursor.Parse(cursor);
        if (since is null && cursor is not null)
        {
            FeedLog.UnreadableCursor(logger, source, cursor);
        }

        var windowStart = NewestSeenCursor.WindowStart(since, now, lookbackDays);
        return (new WindowedRecords(source, windowStart, logger), since, windowStart, now);
    }

    private readonly List<RatingChangeSubmission> _changes = [];
    private DateTimeOffset? _newest;
    private int _skipped;

    /// <summary>Reads every element of <paramref name="records"/> with <paramref name="read"/> (null: not a change), keeping those in the window.</summary>
    public void AddAll(JsonElement records, Func<JsonElement, RatingChangeSubmission?> read)
    {
        foreach (var item in records.EnumerateArray())
        {
            try
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new MalformedRecordException($"a record is a JSON {item.ValueKind}, not an object");
                }

                if (read(item) is { PublishedAt: { } published } change && published >= windowStart)
                {
                    _changes.Add(change);
                    _newest = published > _newest || _newest is null ? published : _newest;
                }
            }
            catch (MalformedRecordException ex)
            {
                _skipped++;
                FeedLog.RecordSkipped(logger, source, ex.Message);
            }
        }
    }

    public FeedPoll ToPoll(string? cursor, DateTimeOffset? since, DateTimeOffset now) =>
        new(_changes, NewestSeenCursor.Next(cursor, since, _newest, now), _skipped);
}

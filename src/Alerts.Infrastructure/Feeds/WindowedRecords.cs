using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// What the dated JSON sources (Finnhub, FMP) collect from one answer: the records of a window starting at
/// <c>windowStart</c>, the newest record time seen (their cursor), and the records skipped as malformed.
/// </summary>
internal sealed class WindowedRecords(string source, DateTimeOffset windowStart, ILogger logger)
{
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

    /// <summary>The records read in the window.</summary>
    public IReadOnlyList<RatingChangeSubmission> Changes => _changes;

    /// <summary>The newest record time read in the window; null when none.</summary>
    public DateTimeOffset? Newest => _newest;

    /// <summary>Records skipped as malformed.</summary>
    public int Skipped => _skipped;
}

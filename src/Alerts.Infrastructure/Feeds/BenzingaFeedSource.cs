using System.Globalization;
using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Benzinga <c>GET {base}/api/v2.1/calendar/ratings?token=&amp;parameters[updated]=&lt;unix s&gt;&amp;pagesize=&amp;page=</c>:
/// <c>{"ratings": [{id, date, time (New York), ticker, name, currency, action_company, action_pt, rating_current,
/// rating_prior, pt_current, pt_prior (strings holding numbers, may be ""), analyst (the firm), analyst_name, importance,
/// updated (unix s), url}]}</c>, every record updated at or after the given time. <c>date</c> and <c>time</c> are New York
/// wall-clock time (converted with that day's EST or EDT offset); a record without a time is kept as its date. The cursor is
/// the newest <c>updated</c> seen; each poll asks from <see cref="UpdatedRewind"/> before it, as Benzinga advises for
/// records whose <c>updated</c> lands while a poll runs. A record Benzinga updates later comes again with the same
/// <c>id</c>, which is its sender id: stored as a correction of the first, and told (once) to whoever was alerted of it
/// when what it says changed. Each page is one request of the source's budget.
/// After the ratings, each poll reads the records Benzinga deleted since the same instant,
/// <c>GET {base}/api/v2.1/calendar-removed?token=&amp;type=ratings&amp;updated=&lt;unix s&gt;&amp;pageSize=&amp;page=</c>:
/// <c>{"removed": [{"id", "type", "updated"}]}</c> (ids alone, no ticker), returned as <see cref="FeedPoll.Withdrawn"/>.
/// When that read fails, or the budget stops it, the ratings read stand and the cursor does not move, so the deletions of
/// that window are asked for again next poll (a deletion read twice withdraws once).
/// </summary>
internal sealed class BenzingaFeedSource(FeedSourceOptions options, FeedHttp http, RequestBudget budget, TimeProvider time, ILogger<BenzingaFeedSource> logger) : IFeedSource
{
    public const string DefaultBaseUrl = "https://api.benzinga.com";

    /// <summary>Records per page (Benzinga's maximum).</summary>
    public const int PageSize = 1000;

    /// <summary>Pages read in one poll at most; the rest comes on the next poll, from the cursor reached.</summary>
    public const int MaxPages = 20;

    /// <summary>How far before the newest <c>updated</c> seen the next poll asks from.</summary>
    public static readonly TimeSpan UpdatedRewind = TimeSpan.FromSeconds(5);

    public string Name { get; } = options.Name!;

    public async Task<FeedPoll> PollAsync(string? cursor, CancellationToken cancellationToken)
    {
        long? since = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        if (since is null && cursor is not null)
        {
            FeedLog.UnreadableCursor(logger, Name, cursor);
        }
        var from = since is { } at
            ? at - (long)UpdatedRewind.TotalSeconds
            : time.GetUtcNow().AddDays(-options.LookbackDays).ToUnixTimeSeconds();
        var newest = since;

        var changes = new List<RatingChangeSubmission>();
        var skipped = 0;
        for (var page = 0; page < MaxPages; page++)
        {
            if (!budget.TryTake())
            {
                // Pages are not in order of update: the cursor stays until every page is read (what was read now is
                // recognised as already stored next time).
                FeedLog.BudgetSpent(logger, Name, 1, budget.PerMinute, budget.PerDay);
                newest = since;
                break;
            }

            var uri = FeedUrls.Build(
                options.BaseUrl ?? DefaultBaseUrl,
                "/api/v2.1/calendar/ratings",
                ("token", options.ApiKey),
                ("parameters[updated]", from.ToString(CultureInfo.InvariantCulture)),
                ("pagesize", PageSize.ToString(CultureInfo.InvariantCulture)),
                ("page", page.ToString(CultureInfo.InvariantCulture)));
            var body = await http.GetAsync(uri, "application/json", cancellationToken);
            using var document = FeedJson.Parse(body, Name);
            var records = 0;
            foreach (var item in Records(document.RootElement))
            {
                records++;
                try
                {
                    var (change, updated) = BenzingaRecord.Read(item, Name);
                    changes.Add(change);
                    if (updated is { } u && (newest is null || u > newest))
                    {
                        newest = u;
                    }
                }
                catch (MalformedRecordException ex)
                {
                    skipped++;
                    FeedLog.RecordSkipped(logger, Name, ex.Message);
                }
            }

            if (records < PageSize)
            {
                break;
            }
        }

        var problems = new List<string>();
        var withdrawn = new List<Core.Ingest.WithdrawnRecord>();
        try
        {
            if (!await ReadRemovedAsync(from, withdrawn, cancellationToken))
            {
                FeedLog.BudgetSpent(logger, Name, 1, budget.PerMinute, budget.PerDay);
                newest = since;
            }
        }
        catch (Exception ex) when (ex is FeedFormatException or FeedUnavailableException)
        {
            // The ratings read stand; the deletions of this window are asked for again, from the same cursor.
            problems.Add("removed records: " + ex.Message);
            newest = since;
        }

        return new FeedPoll(changes, newest?.ToString(CultureInfo.InvariantCulture) ?? cursor, skipped) { Problems = problems, Withdrawn = withdrawn };
    }

    /// <summary>Reads the ratings Benzinga deleted since <paramref name="from"/>; false when the budget stopped it.</summary>
    private async Task<bool> ReadRemovedAsync(long from, List<Core.Ingest.WithdrawnRecord> withdrawn, CancellationToken cancellationToken)
    {
        for (var page = 0; page < MaxPages; page++)
        {
            if (!budget.TryTake())
            {
                return false;
            }

            var uri = FeedUrls.Build(
                options.BaseUrl ?? DefaultBaseUrl,
                "/api/v2.1/calendar-removed",
                ("token", options.ApiKey),
                ("type", "ratings"),
                ("updated", from.ToString(CultureInfo.InvariantCulture)),
                ("pageSize", PageSize.ToString(CultureInfo.InvariantCulture)),
                ("page", page.ToString(CultureInfo.InvariantCulture)));
            var body = await http.GetAsync(uri, "application/json", cancellationToken);
            using var document = FeedJson.Parse(body, Name);
            var records = RemovedRecords(document.RootElement);
            foreach (var item in records)
            {
                if (item.ValueKind == JsonValueKind.Object
                    && FeedJson.String(item, "id") is { Length: > 0 } id
                    && FeedJson.String(item, "type") is null or "ratings")
                {
                    withdrawn.Add(new Core.Ingest.WithdrawnRecord(id));
                }
            }

            if (records.Count < PageSize)
            {
                break;
            }
        }

        return true;
    }

    /// <summary>The records of a removed-records answer: <c>{"removed": [...]}</c>; <c>{}</c> or <c>[]</c> when there are none.</summary>
    private List<JsonElement> RemovedRecords(JsonElement root) => root.ValueKind switch
    {
        JsonValueKind.Object when root.TryGetProperty("removed", out var removed) => removed.ValueKind switch
        {
            JsonValueKind.Array => removed.EnumerateArray().ToList(),
            JsonValueKind.Null => [],
            _ => throw new FeedFormatException($"{Name} answered \"removed\" as a JSON {removed.ValueKind}, not an array"),
        },
        JsonValueKind.Object when !root.EnumerateObject().Any() => [],
        JsonValueKind.Array => root.EnumerateArray().ToList(),
        _ => throw new FeedFormatException($"{Name} answered {Describe(root)} where {{\"removed\": [...]}} was expected"),
    };

    private static string Describe(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object ? "an object without \"removed\"" : "a JSON " + root.ValueKind;

    /// <summary>The records of an answer: <c>{"ratings": [...]}</c>; <c>{}</c> or <c>[]</c> when there are none.</summary>
    private IEnumerable<JsonElement> Records(JsonElement root)
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.Object when root.TryGetProperty("ratings", out var ratings):
                return ratings.ValueKind switch
                {
                    JsonValueKind.Array => ratings.EnumerateArray().ToList(),
                    JsonValueKind.Null => [],
                    _ => throw new FeedFormatException($"{Name} answered \"ratings\" as a JSON {ratings.ValueKind}, not an array"),
                };
            case JsonValueKind.Object:
                // An error object, or {} for no records.
                return root.EnumerateObject().Any() ? FeedJson.Array(root, Name).EnumerateArray().ToList() : [];
            case JsonValueKind.Array:
                return root.EnumerateArray().ToList();
            default:
                throw new FeedFormatException($"{Name} answered a JSON {root.ValueKind} where {{\"ratings\": [...]}} was expected");
        }
    }

}

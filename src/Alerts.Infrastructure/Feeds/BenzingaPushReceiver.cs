using System.Text.Json;
using Alerts.Core;
using Alerts.Core.Diagnostics;
using Alerts.Core.Feeds;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Handles what Benzinga's data webhook pushes: a delivery <c>{"id": "&lt;uuid&gt;", "api_version": "...", "kind":
/// "...", "data": {"action": "created" | "updated" | "removed", "id": "&lt;record id&gt;", "content": {a rating record as
/// the REST calendar returns it}}}</c>, or a JSON array of them. Created and updated records go through the ingest as the
/// polled ones do (<see cref="BenzingaRecord"/>; an update of a stored record is its correction), removed records are
/// withdrawn (<see cref="RatingIngestService.WithdrawAsync"/>). A delivery handled before (by its payload <c>id</c>, else
/// the <c>X-BZ-Delivery</c> header of a single delivery) changes nothing. Deliveries of another kind are acknowledged and
/// ignored. A body that is not this, or a record that breaks the contract, refuses the whole push (nothing stored) with
/// every problem named by the delivery's index.
/// </summary>
public sealed partial class BenzingaPushReceiver(
    RatingIngestService ingest,
    IFeedDeliveryLog deliveries,
    IOptions<BenzingaPushOptions> options,
    TimeProvider time,
    ILogger<BenzingaPushReceiver> logger)
{
    /// <summary>The most deliveries one push may carry (the ingest's own limit).</summary>
    public const int MaxDeliveries = IngestLimits.MaxChanges;

    public async Task<BenzingaPushResult> ReceiveAsync(byte[] body, string? deliveryHeader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var source = options.Value.Source;
        JsonDocument document;
        try
        {
            document = FeedJson.Parse(body, "The push");
        }
        catch (FeedFormatException ex)
        {
            return Refused(new ValidationError(null, "body", ex.Message));
        }

        using (document)
        {
            var root = document.RootElement;
            var items = root.ValueKind switch
            {
                JsonValueKind.Object => [root],
                JsonValueKind.Array => root.EnumerateArray().ToList(),
                _ => null,
            };
            if (items is null || items.Count == 0)
            {
                return Refused(new ValidationError(null, "body", "must be a Benzinga delivery object {\"id\", \"kind\", \"data\": {\"action\", \"content\"}} or a non-empty array of them"));
            }

            if (items.Count > MaxDeliveries)
            {
                return Refused(new ValidationError(null, "body", $"carries {items.Count} deliveries; at most {MaxDeliveries} are accepted in one push"));
            }

            var errors = new List<ValidationError>();
            var read = new List<Delivery>();
            for (var i = 0; i < items.Count; i++)
            {
                if (Read(items[i], i, items.Count == 1 ? deliveryHeader : null, source, errors) is { } delivery)
                {
                    read.Add(delivery);
                }
            }

            if (errors.Count > 0)
            {
                LogRefused(errors.Count, string.Join("; ", errors.Take(3).Select(e => $"{e.Index}: {e.Field} {e.Message}")));
                return new BenzingaPushResult(errors);
            }

            return await HandleAsync(source, read, cancellationToken);
        }
    }

    private async Task<BenzingaPushResult> HandleAsync(string source, List<Delivery> read, CancellationToken cancellationToken)
    {
        var seen = await deliveries.SeenAsync(source, read.Select(d => d.Id).ToList(), cancellationToken);
        var fresh = read.Where(d => !seen.Contains(d.Id)).DistinctBy(d => d.Id, StringComparer.Ordinal).ToList();
        var submissions = fresh.Where(d => d.Submission is not null).Select(d => d.Submission!).ToList();
        int accepted = 0, duplicates = read.Count - fresh.Count;
        if (submissions.Count > 0)
        {
            var result = await ingest.IngestAsync(submissions, dryRun: false, cancellationToken, AlertsTelemetry.FeedOrigin(source));
            accepted = result.Accepted;
            duplicates += result.Duplicates;
        }

        var withdrawal = new WithdrawalResult(0, 0, 0);
        var removed = fresh.Where(d => d.Removed is not null).Select(d => d.Removed!).ToList();
        if (removed.Count > 0)
        {
            withdrawal = await ingest.WithdrawAsync(source, removed, cancellationToken);
        }

        // Only now that what they carried is stored are the deliveries recorded: a failure before leaves Benzinga's retry to do it.
        await deliveries.RecordAsync(source, fresh.Select(d => d.Id).ToList(), time.GetUtcNow(), cancellationToken);
        var ignored = fresh.Count(d => d.Submission is null && d.Removed is null) + withdrawal.Unknown;
        LogHandled(read.Count, accepted, duplicates + withdrawal.AlreadyWithdrawn, withdrawal.Withdrawn, ignored);
        return new BenzingaPushResult([], accepted, duplicates + withdrawal.AlreadyWithdrawn, withdrawal.Withdrawn, ignored);
    }

    /// <summary>One delivery, or null with its problems added to <paramref name="errors"/>.</summary>
    private Delivery? Read(JsonElement item, int index, string? deliveryHeader, string source, List<ValidationError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError(index, "delivery", $"must be a JSON object, not a JSON {item.ValueKind}"));
            return null;
        }

        var id = Text(item, "id") ?? deliveryHeader;
        if (id is null)
        {
            errors.Add(new ValidationError(index, "id", "is required (the delivery's id; or the X-BZ-Delivery header for a single delivery)"));
            return null;
        }

        if (!item.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError(index, "data", "is required: an object with \"action\" and \"content\""));
            return null;
        }

        if (Text(item, "kind") is { } kind && !kind.Contains("rating", StringComparison.OrdinalIgnoreCase))
        {
            return new Delivery(id, null, null); // another calendar's delivery: acknowledged, nothing to store
        }

        var content = data.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Object ? c : (JsonElement?)null;
        switch (Text(data, "action")?.ToLowerInvariant())
        {
            case "created" or "updated":
                if (content is not { } record)
                {
                    errors.Add(new ValidationError(index, "data.content", "is required for a created or updated record: the rating record"));
                    return null;
                }

                try
                {
                    var (submission, _) = BenzingaRecord.Read(record, source);
                    if (SubmissionRules.Check(submission, time, out var problem) is { } checkedSubmission)
                    {
                        return new Delivery(id, checkedSubmission, null);
                    }

                    errors.Add(new ValidationError(index, "data.content", problem ?? "breaks the contract"));
                }
                catch (MalformedRecordException ex)
                {
                    errors.Add(new ValidationError(index, "data.content", ex.Message));
                }

                return null;
            case "removed" or "deleted":
                var recordId = Text(data, "id") ?? (content is { } removed ? Text(removed, "id") : null);
                if (recordId is null)
                {
                    errors.Add(new ValidationError(index, "data.id", "is required for a removed record: the record's id"));
                    return null;
                }

                return new Delivery(id, null, new WithdrawnRecord(recordId, content is { } r ? Text(r, "ticker") : null));
            case var other:
                errors.Add(new ValidationError(index, "data.action", other is null ? "is required: created, updated or removed" : $"'{FeedJson.Shorten(other)}' is not created, updated or removed"));
                return null;
        }
    }

    private static string? Text(JsonElement item, string name)
    {
        try
        {
            return FeedJson.String(item, name) is { Length: > 0 } value ? value : null;
        }
        catch (MalformedRecordException)
        {
            return null;
        }
    }

    private static BenzingaPushResult Refused(ValidationError error) => new([error]);

    /// <summary>A delivery read: a record to store, a record to withdraw, or neither (another kind).</summary>
    private sealed record Delivery(string Id, RatingChangeSubmission? Submission, WithdrawnRecord? Removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Benzinga push: {Count} problems, e.g. {Problems}")]
    private partial void LogRefused(int count, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benzinga push: {Deliveries} deliveries, {Accepted} stored, {Duplicates} known, {Withdrawn} withdrawn, {Ignored} ignored")]
    private partial void LogHandled(int deliveries, int accepted, int duplicates, int withdrawn, int ignored);
}

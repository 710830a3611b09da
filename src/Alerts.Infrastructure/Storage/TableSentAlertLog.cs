using System.Net;
using Alerts.Core;
using Alerts.Core.Delivery;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// The sent log in Table Storage, a row per alert id with its state: <c>Sending</c> (claimed), <c>Sent</c>,
/// <c>Refused</c> or <c>Held</c> (waiting in a digest, see <see cref="Alerts.Core.Digests.DeliveryRouter"/>). The claim is
/// an insert, so exactly one dispatcher wins it; a stale claim is taken over under its ETag.
/// </summary>
/// <remarks>
/// Rows live in <see cref="Partitions"/> partitions (<c>p0</c>..<c>pf</c>, by a stable hash of the alert id; RowKey = the
/// alert id), so that the alerts of one received batch, whatever their change, are claimed and marked in a few
/// entity-group transactions of up to 100 rows instead of a request each, while 16 partitions still spread the load
/// beyond one partition's 2,000 entities/s. A transaction that finds one of its alerts claimed before fails whole; its
/// alerts are then claimed one by one. Before 2026-12 a row was keyed PartitionKey = alert id, RowKey = "": such a row
/// is still honoured for a redelivered message's alerts (and for single claims), so an upgrade sends nothing twice.
/// </remarks>
internal sealed class TableSentAlertLog(StorageBootstrapper storage, IOptions<DeliveryOptions> options) : ISentAlertLog
{
    /// <summary>How many partitions the log's rows are spread over.</summary>
    public const int Partitions = 16;

    private const string Sending = "Sending";
    private const string Sent = "Sent";
    private const string Refused = "Refused";
    private const string Held = "Held";
    private const int RowsPerTransaction = 100;
    private const int Concurrency = 8;

    /// <summary>Row keys or-ed in one query of <see cref="WhoWasSentAsync"/>: with the partition's, Table Storage's limit of 15 comparisons a filter.</summary>
    private const int RowsPerQuery = 14;

    /// <summary>The partition of an alert id's row: stable across processes and versions (FNV-1a of its characters).</summary>
    public static string PartitionOf(string alertId)
    {
        var hash = 2166136261u;
        foreach (var c in alertId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return "p" + (hash % Partitions).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    }

    private TableClient Table => storage.Table(StorageNames.SentAlertsTable);

    public async Task<SendClaim> TryClaimAsync(string alertId, string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        return await ClaimOneAsync(new SentAlert(alertId, subscriptionId, Redelivered: true), now, NewClaimToken(), cancellationToken);
    }

    public async Task<IReadOnlyList<SendClaim>> TryClaimAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        await storage.EnsureCreatedAsync(cancellationToken);
        var claims = new SendClaim[alerts.Count];
        var token = NewClaimToken();
        await Parallel.ForEachAsync(
            InTransactions(alerts.Select((alert, index) => (alert, index)), a => a.alert.AlertId),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                var claimed = false;
                if (chunk.Length > 1)
                {
                    try
                    {
                        await Table.SubmitTransactionAsync(chunk.Select(a => new TableTransactionAction(TableTransactionActionType.Add, Claim(a.alert, now, token))), ct);
                        claimed = true;
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
                    {
                        // One of them was claimed before (a redelivery), or the transaction was written by a try whose
                        // answer was lost and the client's retry met its rows: each is looked at on its own below.
                    }
                }

                foreach (var (alert, index) in chunk)
                {
                    claims[index] = claimed && !alert.Redelivered ? SendClaim.Claimed
                        : claimed ? await HonourEarlierRowAsync(alert, now, ct)
                        : await ClaimOneAsync(alert, now, token, ct);
                }
            });

        // An alert listed twice is claimed once: its later listings answer AlreadySent, so it is sent once.
        var first = new Dictionary<string, SendClaim>(StringComparer.Ordinal);
        for (var i = 0; i < alerts.Count; i++)
        {
            if (!first.TryAdd(alerts[i].AlertId, claims[i]))
            {
                claims[i] = SendClaim.AlreadySent;
            }
        }

        return claims;
    }

    public Task MarkSentAsync(string alertId, string subscriptionId, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
        WriteFinalAsync(alertId, subscriptionId, Sent, sentAt, reason: null, cancellationToken);

    public async Task MarkSentAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        await storage.EnsureCreatedAsync(cancellationToken);
        await Parallel.ForEachAsync(
            InTransactions(alerts, a => a.AlertId),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (chunk, ct) => await Table.SubmitTransactionAsync(
                chunk.Select(a => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Final(a.AlertId, a.SubscriptionId, Sent, sentAt, reason: null))), ct));
    }

    public Task MarkRefusedAsync(string alertId, string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteFinalAsync(alertId, subscriptionId, Refused, at, reason.Length > 1000 ? reason[..1000] : reason, cancellationToken);

    public Task MarkHeldAsync(string alertId, string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteFinalAsync(alertId, subscriptionId, Held, at, reason: null, cancellationToken);

    public async Task ReleaseAsync(string alertId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await Table.DeleteEntityAsync(PartitionOf(alertId), alertId, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Nothing to release.
        }
    }

    /// <summary>
    /// Reads the rows of the alerts <c>AlertIds.For(changeId, subscription)</c>: one query per partition of the log for up
    /// to <see cref="RowsPerQuery"/> of them (row keys or-ed), a few at a time. <c>Sending</c>, <c>Sent</c> and <c>Held</c>
    /// count (sent, being sent, or waiting in a digest); <c>Refused</c> does not. Rows of the layout before 2026-12 are not
    /// read: alerts that old are past any correction worth sending.
    /// </summary>
    public async Task<IReadOnlySet<string>> WhoWasSentAsync(string changeId, IReadOnlyList<string> subscriptionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionIds);
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        if (subscriptionIds.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var bySubscription = subscriptionIds.Distinct(StringComparer.Ordinal).ToDictionary(id => Alerts.Core.Matching.AlertIds.For(changeId, id), StringComparer.Ordinal);
        var queries = bySubscription.Keys
            .GroupBy(PartitionOf, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(RowsPerQuery).Select(chunk => (Partition: partition.Key, AlertIds: chunk)))
            .ToList();
        await Parallel.ForEachAsync(
            queries,
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (query, ct) =>
            {
                var rows = string.Join(" or ", query.AlertIds.Select(id => TableClient.CreateQueryFilter($"RowKey eq {id}")));
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {query.Partition}") + " and (" + rows + ")";
                await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: RowsPerQuery, select: ["RowKey", "State"], cancellationToken: ct))
                {
                    if (row.GetString("State") is not Refused && bySubscription.TryGetValue(row.RowKey, out var subscriptionId))
                    {
                        sent[subscriptionId] = true;
                    }
                }
            });
        return sent.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The rows that can share entity-group transactions: each alert once, by partition, at most 100 a transaction.</summary>
    private static List<T[]> InTransactions<T>(IEnumerable<T> items, Func<T, string> alertId) => items
        .DistinctBy(alertId, StringComparer.Ordinal)
        .GroupBy(item => PartitionOf(alertId(item)), StringComparer.Ordinal)
        .SelectMany(partition => partition.Chunk(RowsPerTransaction))
        .ToList();

    /// <summary>
    /// Marks the claims of one call, so that a claim this call wrote itself is told from another dispatcher's: a write whose
    /// answer was lost (a timeout) and that the client tried again finds its own row there.
    /// </summary>
    private static string NewClaimToken() => Guid.NewGuid().ToString("N");

    private static TableEntity Claim(SentAlert alert, DateTimeOffset now, string token) => new(PartitionOf(alert.AlertId), alert.AlertId)
    {
        ["State"] = Sending,
        ["SubscriptionId"] = alert.SubscriptionId,
        ["ClaimedAt"] = now,
        ["ClaimToken"] = token,
    };

    private static TableEntity Final(string alertId, string subscriptionId, string state, DateTimeOffset at, string? reason) => new(PartitionOf(alertId), alertId)
    {
        ["State"] = state,
        ["SubscriptionId"] = subscriptionId,
        ["SentAt"] = at,
        ["Reason"] = reason,
    };

    /// <summary>
    /// Claims one alert: insert, else look at the row found (done, in flight, this call's own claim, or a stale claim to
    /// take over).
    /// </summary>
    private async Task<SendClaim> ClaimOneAsync(SentAlert alert, DateTimeOffset now, string token, CancellationToken cancellationToken)
    {
        var claim = Claim(alert, now, token);
        try
        {
            await Table.AddEntityAsync(claim, cancellationToken);
            return alert.Redelivered ? await HonourEarlierRowAsync(alert, now, cancellationToken) : SendClaim.Claimed;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // Known already: look at its state.
        }

        var existing = await Table.GetEntityIfExistsAsync<TableEntity>(claim.PartitionKey, claim.RowKey, cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            return SendClaim.Busy; // released between our insert and our read: the next attempt claims it
        }

        var row = existing.Value!;
        if (row.GetString("State") == Sending && row.GetString("ClaimToken") == token)
        {
            // Written by this call: a try whose answer was lost, then tried again (by the client, or as one row after the
            // transaction met it).
            return alert.Redelivered ? await HonourEarlierRowAsync(alert, now, cancellationToken) : SendClaim.Claimed;
        }

        var found = StateOf(row, now);
        if (found != SendClaim.Claimed)
        {
            return found;
        }

        try
        {
            await Table.UpdateEntityAsync(claim, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return SendClaim.Claimed;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return SendClaim.Busy;
        }
    }

    /// <summary>
    /// Just claimed in this layout: a row of the layout before 2026-12 (PartitionKey = alert id) may say it was sent, or is
    /// being sent, already. Then the claim just made is given up (or recorded as the earlier row's final state).
    /// </summary>
    private async Task<SendClaim> HonourEarlierRowAsync(SentAlert alert, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var earlier = await Table.GetEntityIfExistsAsync<TableEntity>(alert.AlertId, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
        if (!earlier.HasValue)
        {
            return SendClaim.Claimed;
        }

        var row = earlier.Value!;
        switch (StateOf(row, now))
        {
            case SendClaim.AlreadySent:
                await WriteFinalAsync(alert.AlertId, alert.SubscriptionId, row.GetString("State") ?? Sent, row.GetDateTimeOffset("SentAt") ?? now, row.GetString("Reason"), cancellationToken);
                return SendClaim.AlreadySent;
            case SendClaim.Busy:
                await ReleaseAsync(alert.AlertId, cancellationToken);
                return SendClaim.Busy;
            default:
                return SendClaim.Claimed; // a stale claim of the earlier layout: ours now
        }
    }

    /// <summary>What a row found says: done (<see cref="SendClaim.AlreadySent"/>), in flight (<see cref="SendClaim.Busy"/>), or a stale claim (<see cref="SendClaim.Claimed"/>: take it over).</summary>
    private SendClaim StateOf(TableEntity row, DateTimeOffset now)
    {
        var state = row.GetString("State") ?? Sent; // rows written before claims existed were written once sent
        if (state != Sending)
        {
            return SendClaim.AlreadySent;
        }

        return row.GetDateTimeOffset("ClaimedAt") is { } claimedAt && now - claimedAt < TimeSpan.FromSeconds(options.Value.ClaimTimeoutSeconds)
            ? SendClaim.Busy
            : SendClaim.Claimed;
    }

    private async Task WriteFinalAsync(string alertId, string subscriptionId, string state, DateTimeOffset at, string? reason, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await Table.UpsertEntityAsync(Final(alertId, subscriptionId, state, at, reason), TableUpdateMode.Replace, cancellationToken);
    }
}

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
/// Alerts claimed, marked or released many at once with their change id (<see cref="SentAlert.ChangeId"/>: the
/// dispatcher's) are recorded in the change's rows (<see cref="ChangeRecipientRows"/>), a row per change and bucket of
/// subscribers, so a popular ticker's 100,000 recipients cost a few dozen transactions; for a redelivered message's alerts
/// the row per alert described below is still honoured (what a version before wrote). Other alerts (digests, holds, single
/// claims) keep a row each.
/// Rows of one alert live in <see cref="Partitions"/> partitions (<c>p0</c>..<c>pf</c>, by a stable hash of the alert id; RowKey = the
/// alert id), so that the alerts of one received batch, whatever their change, are claimed and marked in a few
/// entity-group transactions of up to 100 rows instead of a request each, while 16 partitions still spread the load
/// beyond one partition's 2,000 entities/s. A transaction that finds one of its alerts claimed before fails whole; its
/// alerts are then claimed one by one. Before 2026-12 a row was keyed PartitionKey = alert id, RowKey = "": such a row
/// is still honoured for a redelivered message's alerts (and for single claims), so an upgrade sends nothing twice.
/// </remarks>
internal sealed class TableSentAlertLog(StorageBootstrapper storage, IOptions<DeliveryOptions> options) : ISentAlertLog
{
    private readonly ChangeRecipientRows _changes = new(storage, options);

    /// <summary>How many partitions the log's rows are spread over.</summary>
    public const int Partitions = 16;

    private const string Sending = "Sending";
    private const string Sent = "Sent";
    private const string Refused = "Refused";
    private const string Held = "Held";
    private const int RowsPerTransaction = 100;
    private const int Concurrency = 8;

    /// <summary>The partition of an alert id's row: stable across processes and versions (<see cref="StablePartitions"/>).</summary>
    public static string PartitionOf(string alertId) => StablePartitions.Of("p", alertId, Partitions);

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
        var ofChanges = alerts.Select((alert, index) => (alert, index)).Where(a => a.alert.ChangeId is not null).ToList();
        if (ofChanges.Count > 0)
        {
            var found = await _changes.ClaimAsync(ofChanges.ConvertAll(a => a.alert), now, token, cancellationToken);
            await HonourAlertRowsAsync(ofChanges.ConvertAll(a => a.alert), found, now, cancellationToken);
            for (var i = 0; i < ofChanges.Count; i++)
            {
                claims[ofChanges[i].index] = found[i];
            }
        }

        await Parallel.ForEachAsync(
            InTransactions(alerts.Select((alert, index) => (alert, index)).Where(a => a.alert.ChangeId is null), a => a.alert.AlertId),
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
        await _changes.MarkAsync(alerts.Where(a => a.ChangeId is not null).ToList(), ChangeRecipientRows.Sent, sentAt, reason: null, cancellationToken);
        await Parallel.ForEachAsync(
            InTransactions(alerts.Where(a => a.ChangeId is null), a => a.AlertId),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (chunk, ct) => await Table.SubmitTransactionAsync(
                chunk.Select(a => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Final(a.AlertId, a.SubscriptionId, Sent, sentAt, reason: null))), ct));
    }

    public Task MarkRefusedAsync(string alertId, string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteFinalAsync(alertId, subscriptionId, Refused, at, reason.Length > 1000 ? reason[..1000] : reason, cancellationToken);

    public async Task MarkRefusedAsync(IReadOnlyList<SentAlert> alerts, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        await _changes.MarkAsync(alerts.Where(a => a.ChangeId is not null).ToList(), ChangeRecipientRows.Refused, at, reason, cancellationToken);
        foreach (var alert in alerts.Where(a => a.ChangeId is null))
        {
            await MarkRefusedAsync(alert.AlertId, alert.SubscriptionId, reason, at, cancellationToken);
        }
    }

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

    public async Task ReleaseAsync(IReadOnlyList<SentAlert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        await _changes.ReleaseAsync(alerts.Where(a => a.ChangeId is not null).ToList(), cancellationToken);
        foreach (var alert in alerts.Where(a => a.ChangeId is null))
        {
            await ReleaseAsync(alert.AlertId, cancellationToken);
        }
    }

    /// <summary>
    /// From the change's rows (one read of them all, or a read per bucket when few are asked about); a subscription they do
    /// not name is looked up in the rows of one alert each (a held alert, an alert recorded before the change's rows existed).
    /// </summary>
    public async Task<IReadOnlySet<string>> WhoWasSentAsync(string changeId, IReadOnlyList<string> subscriptionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionIds);
        await storage.EnsureCreatedAsync(cancellationToken);
        var states = await _changes.StatesAsync(changeId, subscriptionIds, cancellationToken);
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (subscriptionId, state) in states)
        {
            if (state != ChangeRecipientRows.Refused)
            {
                sent[subscriptionId] = true;
            }
        }

        await Parallel.ForEachAsync(
            subscriptionIds.Where(id => !states.ContainsKey(id)).Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = 4 * Concurrency, CancellationToken = cancellationToken },
            async (subscriptionId, ct) =>
            {
                if (await AlertRowAsync(Alerts.Core.Matching.AlertIds.For(changeId, subscriptionId), ct) is { } row && row.GetString("State") is not Refused)
                {
                    sent[subscriptionId] = true;
                }
            });
        return sent.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The alerts just claimed in the change's rows from a message delivered before: a row of one alert (this log's layout
    /// before the change's rows, or the one before 2026-12) may say it was sent, or is being sent, already. Then the claim
    /// just made is recorded as that row's final state (and answers <see cref="SendClaim.AlreadySent"/>), or given up
    /// (<see cref="SendClaim.Busy"/>).
    /// </summary>
    private async Task HonourAlertRowsAsync(IReadOnlyList<SentAlert> alerts, SendClaim[] claims, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var done = new System.Collections.Concurrent.ConcurrentBag<(SentAlert Alert, char State, string? Reason)>();
        var busy = new System.Collections.Concurrent.ConcurrentBag<SentAlert>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, alerts.Count).Where(i => alerts[i].Redelivered && claims[i] == SendClaim.Claimed),
            new ParallelOptions { MaxDegreeOfParallelism = 4 * Concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                if (await AlertRowAsync(alerts[i].AlertId, ct) is not { } row)
                {
                    return;
                }

                switch (StateOf(row, now))
                {
                    case SendClaim.AlreadySent:
                        var state = row.GetString("State") switch { Refused => ChangeRecipientRows.Refused, Held => ChangeRecipientRows.Held, _ => ChangeRecipientRows.Sent };
                        done.Add((alerts[i], state, row.GetString("Reason")));
                        claims[i] = SendClaim.AlreadySent;
                        break;
                    case SendClaim.Busy:
                        busy.Add(alerts[i]);
                        claims[i] = SendClaim.Busy;
                        break;
                }
            });

        foreach (var group in done.GroupBy(d => (d.State, d.Reason)))
        {
            await _changes.MarkAsync(group.Select(d => d.Alert).ToList(), group.Key.State, now, group.Key.Reason, cancellationToken);
        }

        if (!busy.IsEmpty)
        {
            await _changes.ReleaseAsync(busy.ToList(), cancellationToken);
        }
    }

    /// <summary>The row of one alert, in this log's layout of a row per alert, else in the one before 2026-12; null when neither has it.</summary>
    private async Task<TableEntity?> AlertRowAsync(string alertId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(alertId), alertId, cancellationToken: cancellationToken);
        if (row.HasValue)
        {
            return row.Value;
        }

        var earlier = await Table.GetEntityIfExistsAsync<TableEntity>(alertId, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
        return earlier.HasValue ? earlier.Value : null;
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

using System.Net;
using Alerts.Core;
using Alerts.Core.Delivery;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// The sent log in Table Storage, a row per alert id with its state: <c>Sending</c> (claimed), <c>Sent</c>,
/// <c>Refused</c> or <c>Held</c> (waiting in a digest, see <see cref="Alerts.Core.Digests.DeliveryRouter"/>). The claim is an insert, so exactly one dispatcher wins it; a stale claim is taken over under its ETag.
/// </summary>
internal sealed class TableSentAlertLog(StorageBootstrapper storage, IOptions<DeliveryOptions> options) : ISentAlertLog
{
    private const string Sending = "Sending";
    private const string Sent = "Sent";
    private const string Refused = "Refused";
    private const string Held = "Held";

    public async Task<SendClaim> TryClaimAsync(string alertId, string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.SentAlertsTable);
        var claim = new TableEntity(alertId, StorageNames.SingletonRowKey)
        {
            ["State"] = Sending,
            ["SubscriptionId"] = subscriptionId,
            ["ClaimedAt"] = now,
        };
        try
        {
            await table.AddEntityAsync(claim, cancellationToken);
            return SendClaim.Claimed;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // Known already: look at its state.
        }

        var existing = await table.GetEntityIfExistsAsync<TableEntity>(alertId, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            return SendClaim.Busy; // released between our insert and our read: the next attempt claims it
        }

        var row = existing.Value!;
        var state = row.GetString("State") ?? Sent; // rows written before claims existed were written once sent
        if (state != Sending)
        {
            return SendClaim.AlreadySent;
        }

        if (row.GetDateTimeOffset("ClaimedAt") is { } claimedAt && now - claimedAt < TimeSpan.FromSeconds(options.Value.ClaimTimeoutSeconds))
        {
            return SendClaim.Busy;
        }

        try
        {
            await table.UpdateEntityAsync(claim, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return SendClaim.Claimed;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return SendClaim.Busy;
        }
    }

    public Task MarkSentAsync(string alertId, string subscriptionId, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
        WriteFinalAsync(alertId, subscriptionId, Sent, sentAt, reason: null, cancellationToken);

    public Task MarkRefusedAsync(string alertId, string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteFinalAsync(alertId, subscriptionId, Refused, at, reason.Length > 1000 ? reason[..1000] : reason, cancellationToken);

    public Task MarkHeldAsync(string alertId, string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteFinalAsync(alertId, subscriptionId, Held, at, reason: null, cancellationToken);

    public async Task ReleaseAsync(string alertId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await storage.Table(StorageNames.SentAlertsTable).DeleteEntityAsync(alertId, StorageNames.SingletonRowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Nothing to release.
        }
    }

    private async Task WriteFinalAsync(string alertId, string subscriptionId, string state, DateTimeOffset at, string? reason, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = new TableEntity(alertId, StorageNames.SingletonRowKey)
        {
            ["State"] = state,
            ["SubscriptionId"] = subscriptionId,
            ["SentAt"] = at,
            ["Reason"] = reason,
        };
        await storage.Table(StorageNames.SentAlertsTable).UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }
}

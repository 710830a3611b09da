using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class TableSentAlertLogTests(AzuriteFixture azurite)
{
    private readonly TableSentAlertLog _log = new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), queues: null), Microsoft.Extensions.Options.Options.Create(new DeliveryOptions()));

    private static string NewAlertId() => AlertIds.For(Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));

    private async Task<TableEntity> RowAsync(string alertId) =>
        (await new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.SentAlertsTable)
            .GetEntityAsync<TableEntity>(alertId, StorageNames.SingletonRowKey)).Value;

    [Fact]
    public async Task TryClaimAsync_NewAlert_IsClaimed_ThenBusyForOthers()
    {
        var alertId = NewAlertId();

        Assert.Equal(SendClaim.Claimed, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None));
        Assert.Equal(SendClaim.Busy, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now.AddSeconds(5), CancellationToken.None));
        Assert.Equal("Sending", (await RowAsync(alertId)).GetString("State"));
    }

    [Fact]
    public async Task TryClaimAsync_AfterMarkSent_IsAlreadySent()
    {
        var alertId = NewAlertId();
        await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);

        await _log.MarkSentAsync(alertId, "sub-1", TestData.Now.AddSeconds(1), CancellationToken.None);

        Assert.Equal(SendClaim.AlreadySent, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now.AddHours(1), CancellationToken.None));
        var row = await RowAsync(alertId);
        Assert.Equal("Sent", row.GetString("State"));
        Assert.Equal(TestData.Now.AddSeconds(1), row.GetDateTimeOffset("SentAt"));
    }

    [Fact]
    public async Task TryClaimAsync_AfterMarkRefused_IsAlreadySentAndKeepsTheReason()
    {
        var alertId = NewAlertId();
        await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);

        await _log.MarkRefusedAsync(alertId, "sub-1", "550 no such user", TestData.Now, CancellationToken.None);

        Assert.Equal(SendClaim.AlreadySent, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now.AddHours(1), CancellationToken.None));
        Assert.Equal("550 no such user", (await RowAsync(alertId)).GetString("Reason"));
    }

    [Fact]
    public async Task TryClaimAsync_AfterRelease_IsClaimedAgain()
    {
        var alertId = NewAlertId();
        await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);

        await _log.ReleaseAsync(alertId, CancellationToken.None);

        Assert.Equal(SendClaim.Claimed, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now.AddSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task TryClaimAsync_StaleClaim_IsTakenOver()
    {
        var alertId = NewAlertId();
        await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);

        var later = TestData.Now + TimeSpan.FromSeconds(new DeliveryOptions().ClaimTimeoutSeconds + 1);

        Assert.Equal(SendClaim.Claimed, await _log.TryClaimAsync(alertId, "sub-1", later, CancellationToken.None));
        Assert.Equal(later, (await RowAsync(alertId)).GetDateTimeOffset("ClaimedAt"));
    }

    [Fact]
    public async Task TryClaimAsync_ManyDispatchersAtOnce_ExactlyOneClaims()
    {
        for (var round = 0; round < 3; round++)
        {
            var alertId = NewAlertId();

            var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None)));

            Assert.Equal(1, claims.Count(c => c == SendClaim.Claimed));
            Assert.Equal(9, claims.Count(c => c == SendClaim.Busy));
        }
    }

    [Fact]
    public async Task ReleaseAsync_NothingClaimed_IsHarmless()
    {
        await _log.ReleaseAsync(NewAlertId(), CancellationToken.None);
    }
}

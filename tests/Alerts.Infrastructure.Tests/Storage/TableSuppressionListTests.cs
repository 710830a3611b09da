using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Infrastructure.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class TableSuppressionListTests(AzuriteFixture azurite)
{
    private readonly FakeTimeProvider _time = new(TestData.Now);

    private TableSuppressionList NewList() =>
        new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), queues: null), _time);

    [Fact]
    public async Task SuppressAsync_IsSeenAtOnceByThisInstance_WhateverTheCaseOfTheAddress()
    {
        var list = NewList();
        var email = TestData.UniqueEmail();
        Assert.False(await list.IsSuppressedAsync(email, CancellationToken.None));

        await list.SuppressAsync(email.ToUpperInvariant(), "bounce", TestData.Now, CancellationToken.None);

        Assert.True(await list.IsSuppressedAsync(email, CancellationToken.None));
        Assert.False(await list.IsSuppressedAsync(TestData.UniqueEmail(), CancellationToken.None));
    }

    [Fact]
    public async Task SuppressAsync_ByAnotherInstance_IsSeenOnceTheSnapshotIsOld()
    {
        var dispatcher = NewList();
        var webhook = NewList();
        var email = TestData.UniqueEmail();
        Assert.False(await dispatcher.IsSuppressedAsync(email, CancellationToken.None)); // loads its snapshot

        await webhook.SuppressAsync(email, "spamreport", TestData.Now, CancellationToken.None);
        _time.Advance(TableSuppressionList.SnapshotAge);

        Assert.True(await dispatcher.IsSuppressedAsync(email, CancellationToken.None));
        Assert.True(await NewList().IsSuppressedAsync(email, CancellationToken.None));
    }
}
